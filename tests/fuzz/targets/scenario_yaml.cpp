// Fuzz target: a scenario file and its --set overrides (sim::parse_scenario_text).
// Input: the YAML text; if it holds a line "#--set", each line after it is one
// "path=value" override (a comment line, so a seed is also a scenario file as it stands).
// Properties:
//   - parsing never throws and never reports an internal error (an exception a check
//     missed): every problem is a message naming its place, "fuzz.yaml:..." or "--set ...";
//   - a Scenario comes back exactly when there are no errors;
//   - an accepted scenario's effective YAML (the document as run, re-emitted) is accepted
//     again and re-emits unchanged, with the same name, seed and duration.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "sim/scenario/scenario.h"

namespace {

constexpr std::string_view kDisplayName = "fuzz.yaml";
constexpr std::string_view kSetMarker = "#--set\n";

std::string all_errors(const sim::ScenarioLoad& load) {
    return load.error_text();
}

void check_errors(const sim::ScenarioLoad& load) {
    FUZZ_CHECK(load.ok() == load.scenario.has_value(), all_errors(load));
    for (const std::string& line : load.errors) {
        FUZZ_CHECK(!line.empty(), "an empty error line");
        // How parse_scenario_text reports an exception it caught (the user's own text may
        // say "internal error" anywhere else).
        FUZZ_CHECK(line.rfind(std::string(kDisplayName) + ": internal error while reading", 0) != 0,
                   line);
        const bool placed = line.rfind(kDisplayName, 0) == 0 || line.rfind("--set ", 0) == 0 ||
                            line.rfind("... and ", 0) == 0;
        FUZZ_CHECK(placed, "an error that names no place: " + line);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string text(input);
    std::vector<std::string> overrides;
    if (const std::size_t marker = input.find(kSetMarker); marker != std::string_view::npos) {
        text = std::string(input.substr(0, marker));
        std::string_view rest = input.substr(marker + kSetMarker.size());
        while (!rest.empty()) {
            const std::size_t end = std::min(rest.find('\n'), rest.size());
            overrides.emplace_back(rest.substr(0, end));
            rest.remove_prefix(std::min(end + 1, rest.size()));
        }
    }
    const sim::ScenarioLoad load =
        sim::parse_scenario_text(text, std::string(kDisplayName), overrides);
    check_errors(load);
    if (!load.ok()) return 0;

    const sim::Scenario& first = *load.scenario;
    const sim::ScenarioLoad again =
        sim::parse_scenario_text(first.effective_yaml, std::string(kDisplayName));
    check_errors(again);
    FUZZ_CHECK(again.ok(), "the effective YAML of an accepted scenario is refused:\n" +
                               all_errors(again) + "--- effective YAML:\n" + first.effective_yaml);
    const sim::Scenario& second = *again.scenario;
    FUZZ_CHECK(second.effective_yaml == first.effective_yaml,
               "re-emitting changes the YAML:\n" + first.effective_yaml + "--- became:\n" +
                   second.effective_yaml);
    FUZZ_CHECK(second.name == first.name && second.seed == first.seed &&
                   second.duration == first.duration && second.until_height == first.until_height,
               first.effective_yaml);
    return 0;
}
