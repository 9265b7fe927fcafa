// ChainResolver: GET /nodes/resolve — pull each peer's chain and adopt the most-work valid
// one (the PyChain consensus algorithm, without its trust in peers).
//
// For each peer, in order: page through its GET /chain?from=H&limit=N, starting just past
// our tip and stepping back (x4) until its blocks connect to a block we hold; then fetch
// pages up to its claimed length (or max_blocks). Claimed lengths only steer the paging:
// a peer claiming no more blocks than we have is skipped, and nothing it claims is believed.
// Every block is decoded strictly, must sit at the height it claims and link to the one
// before it, and the whole branch is then replayed in a scratch core::Chain on top of our
// blocks up to the connection point: proof of work, bits, merkle root, coinbase, times,
// signatures, balances and nonces, as for any block. If any block fails, the peer's chain
// is refused whole. A valid branch with more work than our tip is handed to the node
// block by block (the node validates again and switches by its fork choice). A peer that
// does not answer, answers slowly (timeout) or too much (size limit) is skipped. A peer whose
// /chain is 404/405 or not in chainsim's format (a PyChain node's) is "incompatible".
//
// Concurrent resolve() calls share the one in progress. Not thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/node.h"
#include "sim/live/http_client.h"
#include "sim/live/network_params.h"
#include "sim/live/url.h"

namespace live {

struct ResolveOptions {
    std::size_t page_blocks = 100;          // blocks asked for per page
    std::size_t max_page_bytes = 16 << 20;  // response size limit per page
    std::size_t max_blocks = 20'000;        // blocks taken from one peer at most
    std::size_t max_bytes = 64 << 20;       // bytes of pages taken from one peer at most
    int max_locate_steps = 16;              // pages spent finding where a peer's chain forks
};

struct PeerVerdict {
    std::string node;     // the peer's URL
    // "adopted", "refused", "unreachable", "not-better", or "incompatible": not a chainsim
    // node (its /chain is 404/405 or not chainsim's format, as a PyChain node's is)
    std::string verdict;
    std::string detail;   // why, for people
};

struct ResolveResult {
    bool replaced = false;  // our tip changed while resolving
    std::vector<PeerVerdict> peers;
};

// Fetches `target` (GET) from a peer with the caller's timeouts and headers.
using PageFetch = std::function<void(const PeerUrl& peer, const std::string& target,
                                     std::size_t max_response, ClientCallback done)>;

class ChainResolver {
  public:
    // REQUIRES: node, network and fetch outlive the resolver.
    ChainResolver(core::Node& node, const NetworkParams& network, ResolveOptions options,
                  PageFetch fetch);
    ~ChainResolver();

    void resolve(std::vector<PeerUrl> peers, std::function<void(const ResolveResult&)> done);

    struct PeerSync;

  private:
    void next_peer();
    void fetch_page(const std::shared_ptr<PeerSync>& sync);
    void on_page(const std::shared_ptr<PeerSync>& sync, const ClientResult& r);
    void validate_and_adopt(const std::shared_ptr<PeerSync>& sync);
    void finish_peer(PeerVerdict verdict);

    core::Node& node_;
    const NetworkParams& network_;
    ResolveOptions options_;
    PageFetch fetch_;
    std::vector<std::function<void(const ResolveResult&)>> waiting_;
    std::vector<PeerUrl> queue_;
    std::size_t next_ = 0;
    core::Hash256 tip_before_;
    ResolveResult result_;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace live
