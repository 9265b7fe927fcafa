// chainsim node --port P [--host 127.0.0.1] [--url URL] [--data DIR] [--peer URL]...
//               [--pow-bits B] [--miner ADDRESS] [--mine-every S] [--fund ADDRESS=AMOUNT]...
//               [--demo-wallets N] [--clock-offset DURATION] [--disk-room PAGES] [--quiet]
// chainsim live SCENARIO [--base-port 5000] [--for DURATION] [--data DIR] [--seed N]
//               [--set path=value]... [--demo-wallets N] [--quiet]
#include <cmath>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <iostream>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "sim/cli/cli.h"
#include "sim/live/live_network.h"
#include "sim/live/live_node.h"
#include "sim/scenario/units.h"

namespace cli {
namespace {

namespace asio = boost::asio;

struct NodeArgs {
    int port = -1;
    std::string host = "127.0.0.1";
    std::string url;
    std::string data;
    std::vector<std::string> peers;
    unsigned pow_bits = 16;
    std::string miner;
    double mine_every = 0;
    std::vector<std::string> funds;
    std::size_t demo_wallets = 0;
    std::string clock_offset;                // test-only: e.g. -3h
    std::optional<std::uint64_t> disk_room;  // test-only: SQLite pages
    bool quiet = false;
};

struct LiveArgs {
    std::string scenario;
    int base_port = 5000;
    std::string duration;
    std::string data;
    std::optional<std::string> seed;
    std::vector<std::string> sets;
    bool keep_data = false;
    std::size_t demo_wallets = 0;
    bool quiet = false;
};

// A temporary data dir for `chainsim live` without --data: removed when this goes (also
// when the start is refused), unless kept.
class TemporaryDataDir {
  public:
    TemporaryDataDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "chainsim-live-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) bad_input("cannot create a temporary data dir");
        path_ = pattern;
    }
    ~TemporaryDataDir() {
        if (keep_) return;
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TemporaryDataDir(const TemporaryDataDir&) = delete;
    TemporaryDataDir& operator=(const TemporaryDataDir&) = delete;

    const std::string& path() const { return path_; }
    void keep() { keep_ = true; }

  private:
    std::string path_;
    bool keep_ = false;
};

void print_line(const std::string& line) {
    std::cout << line << std::endl;  // flushed: other programs follow this output live
}

core::GenesisAllocation parse_fund(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos) bad_input("--fund must be ADDRESS=AMOUNT, got '" + text + "'");
    const auto address = core::Address::from_hex(text.substr(0, eq));
    if (!address) bad_input("--fund " + text + ": the address must be 40 hex digits");
    const std::string amount = text.substr(eq + 1);
    std::uint64_t value = 0;
    bool ok = !amount.empty() && amount.size() <= 20;
    for (char c : amount) {
        ok = ok && c >= '0' && c <= '9';
        if (ok) {
            const auto d = static_cast<std::uint64_t>(c - '0');
            ok = value <= (UINT64_MAX - d) / 10;
            value = value * 10 + d;
        }
    }
    if (!ok || value == 0) bad_input("--fund " + text + ": the amount must be a positive integer");
    return core::GenesisAllocation{*address, value};
}

// A signed duration ("-3h", "+90s", "2h30m"), at most 10 years either way.
core::Nanos parse_clock_offset(const std::string& text) {
    std::string_view rest = text;
    bool negative = false;
    if (!rest.empty() && (rest.front() == '-' || rest.front() == '+')) {
        negative = rest.front() == '-';
        rest.remove_prefix(1);
    }
    const auto d = sim::parse_duration(rest);
    constexpr core::Nanos kTenYears = 10 * 365 * 24 * core::kHour;
    if (!d.ok() || d.value > kTenYears) {
        bad_input("--clock-offset must be a duration such as -3h or 90m, at most 10 years "
                  "either way" + (d.ok() ? std::string() : ": " + d.error));
    }
    return negative ? -d.value : d.value;
}

void check_demo_wallets(std::size_t count) {
    if (count > live::kMaxDemoWallets) {
        bad_input("--demo-wallets must be 0.." + std::to_string(live::kMaxDemoWallets));
    }
}

int run_node(const NodeArgs& args) {
    std::signal(SIGPIPE, SIG_IGN);
    if (args.port < 0 || args.port > 65535) bad_input("--port must be 0..65535");
    if (args.pow_bits < 1 || args.pow_bits > 32) bad_input("--pow-bits must be 1..32");
    if (!std::isfinite(args.mine_every) || args.mine_every < 0) {
        bad_input("--mine-every must be a finite number of seconds, 0 or more (0: mine on GET "
                  "/mine only)");
    }
    live::LiveNodeConfig config;
    config.host = args.host;
    config.port = static_cast<std::uint16_t>(args.port);
    config.data_dir = args.data;
    config.mine_every_s = args.mine_every;
    if (!args.url.empty()) {
        const live::PeerUrlParse parsed = live::parse_peer_address(args.url);
        if (!parsed.url) bad_input("--url " + parsed.error);
        config.public_url = *parsed.url;
    }
    for (const std::string& p : args.peers) {
        const live::PeerUrlParse parsed = live::parse_peer_address(p);
        if (!parsed.url) bad_input("--peer " + parsed.error);
        config.peers.push_back(*parsed.url);
    }
    if (!args.miner.empty()) {
        config.miner = core::Address::from_hex(args.miner);
        if (!config.miner) bad_input("--miner must be an address of 40 hex digits");
    }
    check_demo_wallets(args.demo_wallets);
    std::vector<core::GenesisAllocation> funds;
    for (const std::string& f : args.funds)
        funds.push_back(parse_fund(f));
    config.demo_wallets = live::make_demo_wallets(args.demo_wallets);
    for (const core::GenesisAllocation& a : live::demo_allocations(config.demo_wallets))
        funds.push_back(a);
    if (!args.quiet) config.log = print_line;
    if (!args.clock_offset.empty()) config.clock_offset = parse_clock_offset(args.clock_offset);
    if (args.disk_room) {
        if (args.data.empty()) bad_input("--disk-room needs --data (it caps the data dir)");
        config.disk_room_pages = args.disk_room;
    }

    const live::NetworkParams network =
        live::make_network(live::node_consensus(args.pow_bits, std::move(funds)));
    asio::io_context io(1);
    auto started = live::LiveNode::start(io, network, config);
    if (!started) bad_input(started.error());
    std::unique_ptr<live::LiveNode> node = std::move(*started);
    const core::Chain& chain = node->node().chain();
    print_line("chainsim node: listening on " + node->url());
    print_line("  height " + std::to_string(chain.height()) + ", tip " +
               chain.tip()->hash().display_hex() + ", mempool " +
               std::to_string(node->node().mempool().size()) + ", pow_bits " +
               std::to_string(args.pow_bits) + ", genesis " +
               network.genesis->hash().display_hex());
    print_line("  miner " + node->miner_address().hex() + ", data " +
               (args.data.empty() ? std::string("in memory only") : args.data) +
               (args.mine_every > 0 ? ", mining every ~" + std::to_string(args.mine_every) + "s"
                                    : std::string(", mining on GET /mine")));
    print_line("  dashboard " + node->url() + "/");
    if (!config.demo_wallets.empty()) {
        std::string names;
        for (const live::DemoWallet& w : config.demo_wallets)
            names += (names.empty() ? "" : ", ") + w.name;
        print_line("  demo wallets " + names + " (" + std::to_string(live::kDemoWalletFunds) +
                   " each; " + live::kDemoNote + ")");
    }

    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code&, int) {
        node.reset();  // commits and closes the data dir
        io.stop();
    });
    // With --disk-room, SIGUSR1 gives the disk its space back (the cap is lifted).
    asio::signal_set space_returns(io);
    std::function<void()> wait_for_space;
    if (args.disk_room) {
        space_returns.add(SIGUSR1);
        wait_for_space = [&] {
            space_returns.async_wait([&](const boost::system::error_code& ec, int) {
                if (ec || !node) return;
                node->limit_store_pages(0);
                if (!args.quiet) print_line("disk room: the cap is lifted (SIGUSR1)");
                wait_for_space();
            });
        };
        wait_for_space();
    }
    io.run();
    node.reset();
    return 0;
}

int run_live(const LiveArgs& args) {
    std::signal(SIGPIPE, SIG_IGN);
    const sim::Scenario scenario = load_scenario_or_fail(args.scenario, args.sets);
    if (args.base_port < 0 || args.base_port > 65535) bad_input("--base-port must be 0..65535");

    live::LiveRunOptions options;
    options.base_port = static_cast<std::uint16_t>(args.base_port);
    options.seed = args.seed ? parse_seed_flag("--seed", *args.seed) : 0;
    check_demo_wallets(args.demo_wallets);
    options.demo_wallets = args.demo_wallets;
    if (!args.duration.empty()) {
        const auto d = sim::parse_duration(args.duration);
        if (!d.ok() || d.value <= 0) bad_input("--for: " + (d.ok() ? "must be positive" : d.error));
        options.duration = d.value;
    }
    options.data_dir = args.data;
    // Declared before the network, so the nodes close their stores before it is removed.
    std::optional<TemporaryDataDir> temporary;
    std::string data_note;
    if (options.data_dir.empty()) {
        temporary.emplace();
        if (args.keep_data) temporary->keep();
        options.data_dir = temporary->path();
        data_note = args.keep_data ? " (temporary, kept)" : " (temporary, removed at exit)";
    }
    if (!args.quiet) options.log = print_line;

    asio::io_context io(1);
    auto created = live::LiveNetwork::create(io, scenario, options);
    if (!created) scenario_build_error(args.scenario, args.sets, created.error());
    std::unique_ptr<live::LiveNetwork> net = std::move(*created);
    for (const std::string& w : net->warnings())
        std::cerr << "chainsim: warning: " << w << "\n";
    print_line("chainsim live: " + scenario.name + ", " + std::to_string(net->urls().size()) +
               " nodes for " + sim::format_duration(net->duration()) + ", data in " +
               options.data_dir + data_note);
    for (std::size_t i = 0; i < net->urls().size(); ++i)
        print_line("node " + std::to_string(i) + ": " + net->urls()[i] + "  (dashboard " +
                   net->urls()[i] + "/)");

    nlohmann::json summary;
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&](const boost::system::error_code& ec, int) {
        if (!ec) net->stop();
    });
    net->run([&] {
        summary = net->summary();
        signals.cancel();
        io.stop();
    });
    io.run();
    net.reset();
    print_json(summary);
    return 0;
}

}  // namespace

void add_live_commands(CLI::App& app, int& exit_code) {
    auto node_args = std::make_shared<NodeArgs>();
    auto* node = app.add_subcommand("node", "Run one live node with the PyChain-style HTTP API");
    node->add_option("--port", node_args->port, "port to listen on (0: any free port)")->required();
    node->add_option("--host", node_args->host, "address to bind (default 127.0.0.1)");
    node->add_option("--url", node_args->url,
                     "the URL peers reach this node at (default http://HOST:PORT; set it when "
                     "binding 0.0.0.0, e.g. in a container)");
    node->add_option("--data", node_args->data, "data dir (SQLite); default: memory only");
    node->add_option("--peer", node_args->peers, "peer URL http://host:port (repeatable)")
        ->allow_extra_args(false);
    node->add_option("--pow-bits", node_args->pow_bits, "proof-of-work bits (default 16)");
    node->add_option("--miner", node_args->miner, "address that mining rewards pay");
    node->add_option("--mine-every", node_args->mine_every,
                     "mine continuously, this many seconds apart on average");
    node->add_option("--fund", node_args->funds,
                     "ADDRESS=AMOUNT credited by genesis (repeatable; all nodes must agree)")
        ->allow_extra_args(false);
    node->add_option("--demo-wallets", node_args->demo_wallets,
                     "N named demo wallets (alice, bob, ...) funded at genesis, whose transfers "
                     "the node signs; their keys are public (default 0; all nodes must agree)");
    node->add_option("--clock-offset", node_args->clock_offset,
                     "test-only: run the node's clock this far off the wall clock, e.g. -3h "
                     "(a clock that jumped)");
    node->add_option("--disk-room", node_args->disk_room,
                     "test-only: the data dir may grow by this many SQLite pages, then commits "
                     "fail as on a full disk; SIGUSR1 lifts the cap");
    node->add_flag("--quiet", node_args->quiet, "no event lines");
    node->callback([node_args, &exit_code] { exit_code = run_node(*node_args); });

    auto live_args = std::make_shared<LiveArgs>();
    auto* live = app.add_subcommand("live", "Run a scenario's nodes as live HTTP nodes");
    live->add_option("SCENARIO", live_args->scenario, "scenario YAML file")->required();
    live->add_option("--base-port", live_args->base_port,
                     "node i listens on base+i (default 5000; 0: any free ports)");
    live->add_option("--for", live_args->duration,
                     "how long to run, e.g. 30s (default: the scenario's duration)");
    live->add_option("--data", live_args->data,
                     "data dirs go under here (default: a temporary dir, removed at exit)");
    live->add_flag("--keep-data", live_args->keep_data,
                   "keep the temporary data dir when there is no --data");
    live->add_option("--seed", live_args->seed, "seed for the topology and workload");
    live->add_option("--set", live_args->sets, "override a scenario value: path=value")
        ->allow_extra_args(false);  // one value per --set, so SCENARIO may follow
    live->add_option("--demo-wallets", live_args->demo_wallets,
                     "N named demo wallets funded at genesis, on every node (default 0)");
    live->add_flag("--quiet", live_args->quiet, "no event lines");
    live->callback([live_args, &exit_code] { exit_code = run_live(*live_args); });
}

}  // namespace cli
