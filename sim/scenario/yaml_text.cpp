#include "sim/scenario/yaml_text.h"

#include <cstddef>
#include <sstream>

#include <yaml-cpp/eventhandler.h>

namespace sim::scenario_internal {
namespace {

// Counts parse events and throws once there are more than `limit`. Text that parses yields
// at most about two events per byte (the densest is "a:": a map's start and end, a key and
// a null value in two bytes), so 4n + 64 events for n bytes leaves twice that; the runaway
// loop yields them without end, all at one mark.
class EventBudget final : public YAML::EventHandler {
  public:
    explicit EventBudget(std::size_t limit) : limit_(limit) {}

    void OnDocumentStart(const YAML::Mark& mark) override { spend(mark); }
    void OnDocumentEnd() override { spend(last_); }
    void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { spend(mark); }
    void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { spend(mark); }
    void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                  const std::string&) override {
        spend(mark);
    }
    void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {
        spend(mark);
    }
    void OnSequenceEnd() override { spend(last_); }
    void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {
        spend(mark);
    }
    void OnMapEnd() override { spend(last_); }

  private:
    void spend(const YAML::Mark& mark) {
        last_ = mark;
        if (++spent_ > limit_) {
            throw YAML::ParserException(
                mark, "the parser stops advancing here (a ',' ']' or '}' outside any [...] "
                      "or {...}?)");
        }
    }

    std::size_t limit_;
    std::size_t spent_ = 0;
    YAML::Mark last_ = YAML::Mark::null_mark();
};

// Throws YAML::ParserException if parsing all of `text` does not finish within the budget.
void check_parse_terminates(const std::string& text) {
    std::stringstream stream(text);
    YAML::Parser parser(stream);
    EventBudget budget(4 * text.size() + 64);
    while (parser.HandleNextDocument(budget)) {
    }
}

}  // namespace

std::vector<YAML::Node> load_all_documents(const std::string& text) {
    check_parse_terminates(text);
    return YAML::LoadAll(text);
}

}  // namespace sim::scenario_internal
