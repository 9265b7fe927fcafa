// What a new user met (issue 14): the command line says what it does and what was wrong,
// through the real binary.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/chainsim_binary.h"

namespace {

using chainsim_test::BinaryRun;
using chainsim_test::run_chainsim;
using chainsim_test::ScratchDir;

using chainsim_test::contains;
using chainsim_test::kExitBadInput;

// A scenario that runs in well under a second.
const char* const kTiny =
    "name: tiny\n"
    "duration: 20m\n"
    "consensus: {block_interval: 1m, pow_bits: 8}\n"
    "network:\n"
    "  nodes: 4\n";

TEST(Quiet, PrintsNothingOnStdout) {
    ScratchDir dir;
    const std::string file = dir.write("tiny.yaml", kTiny);
    const BinaryRun r = run_chainsim(
        {"run", file, "--quiet", "--no-plots", "--out", (dir.path() / "o").string()}, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "");
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "o" / "report.json"));
}

// Writes `yaml` as NAME and runs `validate` on it.
BinaryRun validate_yaml(const ScratchDir& dir, const std::string& yaml,
                        const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args{"validate", dir.write("s.yaml", yaml)};
    args.insert(args.end(), extra.begin(), extra.end());
    return run_chainsim(args, dir);
}

TEST(Version, PrintsVersionCommitAndBuildType) {
    ScratchDir dir;
    const BinaryRun r = run_chainsim({"--version"}, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.rfind("chainsim 0.", 0), 0u) << r.out;
    EXPECT_TRUE(contains(r.out, "(commit ")) << r.out;
    EXPECT_TRUE(contains(r.out, " build)")) << r.out;
}

TEST(UnknownCommand, IsNamedWithAGuess) {
    ScratchDir dir;
    const BinaryRun typo = run_chainsim({"valdate", "x.yaml"}, dir);
    EXPECT_EQ(typo.exit_code, kExitBadInput);
    EXPECT_TRUE(contains(typo.err, "unknown command 'valdate' (did you mean 'validate'?)"))
        << typo.err;
    const BinaryRun other = run_chainsim({"frobnicate"}, dir);
    EXPECT_EQ(other.exit_code, kExitBadInput);
    EXPECT_TRUE(contains(other.err, "unknown command 'frobnicate'")) << other.err;
    EXPECT_TRUE(contains(other.err, "run, validate, sweep")) << other.err;
    EXPECT_FALSE(contains(other.err, "A subcommand is required")) << other.err;
}

TEST(NoCommand, ListsTheCommands) {
    ScratchDir dir;
    const BinaryRun bare = run_chainsim({}, dir);
    EXPECT_EQ(bare.exit_code, kExitBadInput);
    EXPECT_TRUE(contains(bare.err, "a command is required; commands: run, validate")) << bare.err;
    EXPECT_FALSE(contains(bare.err, "A subcommand is required")) << bare.err;
}

TEST(SweepJobs, ZeroSaysWhatIsAllowed) {
    ScratchDir dir;
    const std::string file = dir.write("tiny.yaml", kTiny);
    const BinaryRun r = run_chainsim(
        {"sweep", file, "--seeds", "1", "--jobs", "0", "--out", (dir.path() / "o").string()}, dir);
    EXPECT_EQ(r.exit_code, kExitBadInput);
    EXPECT_TRUE(contains(r.err, "--jobs")) << r.err;
    EXPECT_TRUE(contains(r.err, "1 or more")) << r.err;
    EXPECT_FALSE(contains(r.err, "179769")) << r.err;
}

TEST(Seed, FullU64RangeAndAClearMessageOutsideIt) {
    ScratchDir dir;
    const std::string file = dir.write("tiny.yaml", kTiny);
    const std::string out = (dir.path() / "o").string();
    for (const char* bad : {"-1", "18446744073709551616", "1e3"}) {
        SCOPED_TRACE(bad);
        const BinaryRun r = run_chainsim({"run", file, "--seed", bad, "--out", out}, dir);
        EXPECT_EQ(r.exit_code, kExitBadInput);
        EXPECT_TRUE(
            contains(r.err, "--seed must be an integer from 0 to 18446744073709551615, got '" +
                                std::string(bad) + "'"))
            << r.err;
        EXPECT_FALSE(contains(r.err, "--set")) << r.err;
    }
    const BinaryRun top = run_chainsim(
        {"run", file, "--seed", "18446744073709551615", "--quiet", "--no-plots", "--out", out},
        dir);
    ASSERT_EQ(top.exit_code, 0) << top.err;
    const auto report =
        nlohmann::json::parse(chainsim_test::read_file(dir.path() / "o" / "report.json"));
    EXPECT_EQ(report["seed"].get<std::uint64_t>(), UINT64_MAX);
    // In the file too.
    const BinaryRun in_file =
        validate_yaml(dir, std::string(kTiny) + "seed: 18446744073709551615\n");
    EXPECT_EQ(in_file.exit_code, 0) << in_file.err;
}

TEST(Validate, PrintsTheWarningsRunPrints) {
    ScratchDir dir;
    const std::string yaml = std::string(
        "name: sparse\n"
        "duration: 10m\n"
        "consensus: {block_interval: 1m, pow_bits: 8}\n"
        "network:\n"
        "  nodes: 40\n"
        "  topology: {kind: erdos-renyi, p: 0.001}\n");
    const BinaryRun v = validate_yaml(dir, yaml);
    EXPECT_EQ(v.exit_code, 0) << v.err;
    EXPECT_TRUE(contains(v.err, "chainsim: warning: the network graph is disconnected (")) << v.err;
    const BinaryRun r = run_chainsim({"run", (dir.path() / "s.yaml").string(), "--quiet",
                                      "--no-plots", "--out", (dir.path() / "o").string()},
                                     dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(v.err, r.err);  // the same warnings, word for word
}

TEST(Restart, OfANodeThatNeverCrashedIsRefused) {
    ScratchDir dir;
    const std::string base = std::string(kTiny) + "events:\n";
    const BinaryRun never = validate_yaml(dir, base + "  - {at: 5m, restart: \"2\"}\n");
    EXPECT_EQ(never.exit_code, kExitBadInput);
    EXPECT_TRUE(contains(never.err, "s.yaml:7:23: events.0.restart: no node is down at 5m"))
        << never.err;
    const BinaryRun partly =
        validate_yaml(dir, base + "  - {at: 5m, crash: \"1\"}\n  - {at: 9m, restart: \"1-2\"}\n");
    EXPECT_EQ(partly.exit_code, kExitBadInput);
    EXPECT_TRUE(contains(partly.err, "events.1.restart: node(s) 2 did not crash before 9m"))
        << partly.err;
    // Listed out of order, the crash still comes first; restart: all brings back the down ones.
    const BinaryRun ok =
        validate_yaml(dir, base + "  - {at: 9m, restart: all}\n  - {at: 5m, crash: \"1\"}\n");
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
}

TEST(Yaml, ATabInTheIndentationIsNamed) {
    ScratchDir dir;
    const BinaryRun r = validate_yaml(dir, "name: t\nduration: 1h\nnetwork:\n\tnodes: 4\n");
    EXPECT_EQ(r.exit_code, kExitBadInput);
    EXPECT_TRUE(
        contains(r.err, "s.yaml:4:1: a tab in the indentation: YAML indents with spaces only"))
        << r.err;
}

TEST(Messages, NameTheRealFieldAndPlace) {
    ScratchDir dir;
    // Emptying the duration names the --set, not line 1 of the file.
    const BinaryRun empty = validate_yaml(dir, kTiny, {"--set", "duration="});
    EXPECT_EQ(empty.exit_code, kExitBadInput);
    EXPECT_TRUE(contains(empty.err, "--set duration=: duration: empty, so the run has no length"))
        << empty.err;
    // A strategy the world cannot run (selfish under a retarget) is placed at its line.
    const BinaryRun strategy =
        validate_yaml(dir,
                      "name: tiny\n"
                      "duration: 20m\n"
                      "consensus: {block_interval: 1m, pow_bits: 8, retarget: {window: 10}}\n"
                      "network:\n"
                      "  nodes: 4\n"
                      "mining:\n"
                      "  - {nodes: \"0-2\", share: 0.7}\n"
                      "  - {nodes: \"3\", share: 0.3, strategy: selfish}\n");
    EXPECT_EQ(strategy.exit_code, kExitBadInput);
    EXPECT_TRUE(contains(strategy.err, "s.yaml:8:40: mining.1.strategy: ")) << strategy.err;
    // A peer URL with a path says so instead of blaming the port.
    for (const char* url : {"http://127.0.0.1:5000/x", "http://127.0.0.1:5000?a=1"}) {
        const BinaryRun peer = run_chainsim({"node", "--port", "0", "--peer", url}, dir);
        EXPECT_EQ(peer.exit_code, kExitBadInput);
        EXPECT_TRUE(contains(peer.err, "has no path, query or fragment")) << peer.err;
        EXPECT_FALSE(contains(peer.err, "the port must be")) << peer.err;
    }
}

TEST(Summary, NoPropagationDataSaysSo) {
    ScratchDir dir;
    const std::string file =
        dir.write("idle.yaml",
                  std::string(kTiny) + "events:\n  - {at: 0s, hashrate: {nodes: all, share: 0}}\n");
    const BinaryRun r =
        run_chainsim({"run", file, "--no-plots", "--out", (dir.path() / "o").string()}, dir);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "propagation: no data (no block was mined)")) << r.out;
    EXPECT_FALSE(contains(r.out, "n/a ms")) << r.out;
}

TEST(Summary, ConfirmationsSayWhichKAndCountLikeThePlot) {
    ScratchDir dir;
    const std::string file = dir.write("tx.yaml", std::string(kTiny) +
                                                      "workload: {accounts: 20, tx_rate: 1/s}\n"
                                                      "report: {confirmations: 3}\n");
    const BinaryRun r =
        run_chainsim({"run", file, "--no-plots", "--out", (dir.path() / "o").string()}, dir);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const auto report =
        nlohmann::json::parse(chainsim_test::read_file(dir.path() / "o" / "report.json"));
    const auto& t = report["transactions"];
    ASSERT_TRUE(t.contains("confirmed_k")) << t.dump();
    EXPECT_LE(t["confirmed_k"].get<int>(), t["confirmed"].get<int>());
    EXPECT_TRUE(contains(r.out, t["confirmed"].dump() + " in the main chain, " +
                                    t["confirmed_k"].dump() + " with k=3 confirmations"))
        << r.out;
}

TEST(WalletSend, ZeroAmountIsRefusedBeforeAnythingIsSent) {
    ScratchDir dir;
    const std::string key = (dir.path() / "key.json").string();
    ASSERT_EQ(run_chainsim({"wallet", "new", "--out", key}, dir).exit_code, 0);
    // Port 9 (discard) on loopback: nothing listens, so reaching the node would fail with 1.
    for (const char* amount : {"0", "-3", "lots"}) {
        SCOPED_TRACE(amount);
        const BinaryRun r =
            run_chainsim({"wallet", "send", "--key", key, "--to", std::string(40, 'a'), "--amount",
                          amount, "--node", "http://127.0.0.1:9"},
                         dir);
        EXPECT_EQ(r.exit_code, kExitBadInput) << r.err;
        EXPECT_TRUE(contains(r.err, "--amount must be a positive whole number")) << r.err;
        EXPECT_EQ(r.out, "");
    }
}

// Every lines of `text` that starts with `prefix`.
std::vector<std::string> lines_starting(const std::string& text, const std::string& prefix) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        const std::string line = text.substr(start, end - start);
        if (line.rfind(prefix, 0) == 0) out.push_back(line);
        start = end + 1;
    }
    return out;
}

// The part of `text` from the first `marker` on, with `from` replaced by `to` everywhere.
std::string tail_from(const std::string& text, const std::string& marker, const std::string& from,
                      const std::string& to) {
    const auto at = text.find(marker);
    std::string tail = at == std::string::npos ? "" : text.substr(at);
    for (std::size_t i = 0; (i = tail.find(from, i)) != std::string::npos; i += to.size())
        tail.replace(i, from.size(), to);
    return tail;
}

TEST(Sweep, NamesEachFailedExpectationWithItsRerunCommand) {
    ScratchDir dir;
    const std::string file = dir.write("miss.yaml",
                                       "name: miss\n"
                                       "duration: 2h\n"
                                       "consensus: {block_interval: 1m, pow_bits: 8}\n"
                                       "network:\n"
                                       "  nodes: 4\n"
                                       "  latency: {dist: constant, value: 5s}\n"
                                       "expect:\n"
                                       "  - {stale_rate_below: 0.001}\n");
    std::string listings[2];
    for (int jobs : {1, 2}) {
        SCOPED_TRACE(jobs);
        const std::string out = (dir.path() / (jobs == 1 ? "j1" : "j2")).string();
        const BinaryRun r =
            run_chainsim({"sweep", file, "--seeds", "1..2", "--set", "network.latency.value=1ms,5s",
                          "--jobs", std::to_string(jobs), "--out", out},
                         dir);
        ASSERT_EQ(r.exit_code, 1) << r.err;
        // The last progress line once, not twice.
        EXPECT_EQ(lines_starting(r.err, "sweep: 4/4 runs done").size(), 1u) << r.err;
        const auto sweep = nlohmann::json::parse(chainsim_test::read_file(out + "/sweep.json"));
        EXPECT_EQ(sweep["points"][1]["folder"], "p1-value-5s");
        EXPECT_EQ(sweep["points"][1]["params"]["network.latency.value"], "5s");
        EXPECT_TRUE(std::filesystem::exists(out + "/p1-value-5s/seed-2/report.json"));
        const auto& failures = sweep["expectation_failures"];
        ASSERT_FALSE(failures.empty()) << sweep.dump(2);
        EXPECT_TRUE(contains(r.out, std::to_string(failures.size()) + " with a failed expectation"))
            << r.out;
        for (const auto& f : failures) {
            const std::string folder = f["folder"].get<std::string>();
            const std::string seed = std::to_string(f["seed"].get<int>());
            EXPECT_TRUE(contains(r.err, "chainsim: expectation failed: " + folder + " seed " +
                                            seed + " (network.latency.value="))
                << r.err;
            EXPECT_TRUE(
                contains(f["expectations"][0].get<std::string>(), "stale_rate_below 0.001"));
            EXPECT_TRUE(contains(r.err, "  rerun: " + f["command"].get<std::string>())) << r.err;
            EXPECT_TRUE(contains(f["command"].get<std::string>(), "--seed " + seed));
        }
        listings[jobs - 1] = tail_from(r.err, "chainsim: expectation failed: ", out, "OUT");
    }
    EXPECT_EQ(listings[0], listings[1]);  // the same, in (point, seed) order, whatever --jobs
}

// The last run failing used to print the final "4/4 runs done" line twice.
TEST(Sweep, FinalProgressLineOnce) {
    ScratchDir dir;
    const std::string file =
        dir.write("tiny.yaml", std::string(kTiny) + "  latency: {dist: constant, value: 50ms}\n");
    const std::string out = (dir.path() / "o").string();
    // The last run cannot write its report: a folder sits where the file goes.
    std::filesystem::create_directories(out + "/p1-value-1s/seed-2/report.json");
    const BinaryRun r = run_chainsim({"sweep", file, "--seeds", "1..2", "--set",
                                      "network.latency.value=1ms,1s", "--jobs", "1", "--out", out},
                                     dir);
    EXPECT_EQ(r.exit_code, 3) << r.err;
    EXPECT_TRUE(contains(r.err, "run failed (seed 2, p1-value-1s)")) << r.err;
    EXPECT_EQ(lines_starting(r.err, "sweep: 4/4 runs done").size(), 1u) << r.err;
}

// --huge-pages (docs/performance.md §12): `on` restarts the run with glibc's malloc on
// transparent huge pages where the kernel offers them, `off` and `auto` below 10 000 nodes do
// not, nor does a scenario read from a pipe; the run itself, and so its digest, is the same
// either way. A bad value is refused.
TEST(HugePages, RestartChangesHowMemoryIsMappedNotTheRun) {
    ScratchDir dir;
    const std::string file = dir.write("tiny.yaml", kTiny);
    std::ifstream modes_file("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string modes;
    std::getline(modes_file, modes);
    const bool offered = modes.find("[always]") != std::string::npos ||
                         modes.find("[madvise]") != std::string::npos;
    std::string digest;
    for (const std::string mode : {"on", "off", "auto"}) {
        SCOPED_TRACE(mode);
        const std::string out = (dir.path() / ("o-" + mode)).string();
        const BinaryRun r = run_chainsim(
            {"run", file, "--quiet", "--no-plots", "--huge-pages", mode, "--out", out}, dir);
        ASSERT_EQ(r.exit_code, 0) << r.err;
        EXPECT_EQ(r.out, "");  // a restart prints nothing twice, and --quiet nothing at all
        const auto report = nlohmann::json::parse(chainsim_test::read_file(out + "/report.json"));
        EXPECT_EQ(report["huge_pages"].get<bool>(), mode == "on" && offered);
        if (digest.empty()) digest = report["trace_digest"].get<std::string>();
        EXPECT_EQ(report["trace_digest"].get<std::string>(), digest);
    }
    // The user's own choice of the tunable stands; their other tunables do not stop a restart.
    const std::vector<std::pair<std::string, bool>> users = {
        {"glibc.malloc.hugetlb=0", false}, {"glibc.malloc.check=0", offered}};
    for (const auto& [tunables, expected] : users) {
        SCOPED_TRACE(tunables);
        const std::string out = (dir.path() / "o-user").string();
        const BinaryRun r =
            run_chainsim({"run", file, "--quiet", "--no-plots", "--huge-pages", "on", "--out", out},
                         dir, {"GLIBC_TUNABLES=" + tunables});
        ASSERT_EQ(r.exit_code, 0) << r.err;
        const auto report = nlohmann::json::parse(chainsim_test::read_file(out + "/report.json"));
        EXPECT_EQ(report["huge_pages"].get<bool>(), expected);
        EXPECT_EQ(report["trace_digest"].get<std::string>(), digest);
    }
    // A scenario read from a pipe cannot be read again after a restart: no restart then.
    const std::string fifo = (dir.path() / "scenario.fifo").string();
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    std::atomic<bool> done = false;
    std::thread writer([&] {
        std::ofstream(fifo) << kTiny;
        // A second reader (a restarted process) gets an empty pipe and fails, rather than wait.
        while (!done) {
            const int fd = ::open(fifo.c_str(), O_WRONLY | O_NONBLOCK);
            if (fd >= 0) ::close(fd);
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    });
    const std::string piped_out = (dir.path() / "o-pipe").string();
    const BinaryRun piped = run_chainsim(
        {"run", fifo, "--quiet", "--no-plots", "--huge-pages", "on", "--out", piped_out}, dir);
    done = true;
    writer.join();
    ASSERT_EQ(piped.exit_code, 0) << piped.err;
    const auto piped_report =
        nlohmann::json::parse(chainsim_test::read_file(piped_out + "/report.json"));
    EXPECT_FALSE(piped_report["huge_pages"].get<bool>());
    EXPECT_EQ(piped_report["trace_digest"].get<std::string>(), digest);

    const BinaryRun bad = run_chainsim({"run", file, "--huge-pages", "maybe"}, dir);
    EXPECT_EQ(bad.exit_code, kExitBadInput) << bad.err;
    EXPECT_TRUE(contains(bad.err, "--huge-pages")) << bad.err;
}

}  // namespace
