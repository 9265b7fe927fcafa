#include "sim/live/resolver.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/codec.h"
#include "sim/live/api.h"

namespace live {

struct ChainResolver::PeerSync {
    PeerUrl peer;
    std::uint64_t our_length = 0;  // blocks on our active chain when we started
    std::uint64_t claimed = 0;     // the length the peer claims (steers paging only)
    std::uint64_t from = 0;        // height of the page asked for
    std::uint64_t back = 8;        // how far the next locate step goes back
    int locate_steps = 0;
    bool connected = false;              // blocks.front()'s parent is a block we hold
    std::size_t bytes = 0;               // page bytes received
    std::vector<core::BlockRef> blocks;  // the peer's branch, in height order
};

namespace {

struct Page {
    std::uint64_t length = 0;
    std::vector<core::BlockRef> blocks;  // without the genesis block
};

enum class PageError { kNone, kForeignFormat, kBadChain };

// Decodes a /chain page that starts at `from`. Checks form only: strict block decoding,
// the claimed heights, linkage inside the page, and genesis if the page includes it.
// kForeignFormat: the answer is not chainsim's /chain at all (a PyChain node's, say);
// kBadChain: chainsim's format, but not a chain this node can take.
PageError decode_page(const std::string& body, std::uint64_t from, const core::BlockRef& genesis,
                      Page& out, std::string& error) {
    std::string why;
    const auto j = api::parse_json(body, why);
    if (j.is_discarded() || !j.is_object()) {
        error = "its /chain answer is not a JSON object";
        return PageError::kForeignFormat;
    }
    const auto length = j.find("length");
    const auto chain = j.find("chain");
    if (length == j.end() || !length->is_number_unsigned() || chain == j.end() ||
        !chain->is_array()) {
        error = "its /chain answer lacks 'chain' (an array) or 'length' (a count)";
        return PageError::kForeignFormat;
    }
    out.length = length->get<std::uint64_t>();
    core::Hash256 previous;
    for (std::size_t i = 0; i < chain->size(); ++i) {
        const std::uint64_t height = from + i;
        const nlohmann::json& item = (*chain)[i];
        if (height == 0) {
            const auto hash = item.is_object() ? item.find("hash") : item.end();
            if (hash == item.end() || !hash->is_string() ||
                hash->get<std::string>() != genesis->hash().display_hex()) {
                error = "a different genesis block (a foreign chain)";
                return PageError::kBadChain;
            }
            previous = genesis->hash();
            continue;
        }
        core::BlockRef block;
        core::ValidationResult r = core::block_from_json(item, block);
        if (!r.ok()) {
            error = "the block it serves at height " + std::to_string(height) +
                    " is not a chainsim block: " + r.message;
            return PageError::kForeignFormat;
        }
        if (block->height() != height) {
            error = "the block served at height " + std::to_string(height) + " claims height " +
                    std::to_string(block->height());
            return PageError::kBadChain;
        }
        if ((height > 0 && i > 0) && block->prev() != previous) {
            error = "not a chain: block " + std::to_string(height) +
                    " does not extend the block before it";
            return PageError::kBadChain;
        }
        previous = block->hash();
        out.blocks.push_back(std::move(block));
    }
    return PageError::kNone;
}

constexpr const char* kNotChainsim =
    "not a chainsim node (a PyChain or dvf/blockchain node?), so its chain cannot be adopted: ";

}  // namespace

ChainResolver::ChainResolver(core::Node& node, const NetworkParams& network, ResolveOptions options,
                             PageFetch fetch)
    : node_(node), network_(network), options_(options), fetch_(std::move(fetch)) {}

ChainResolver::~ChainResolver() = default;

void ChainResolver::resolve(std::vector<PeerUrl> peers,
                            std::function<void(const ResolveResult&)> done) {
    waiting_.push_back(std::move(done));
    if (waiting_.size() > 1) return;  // joins the one in progress
    queue_ = std::move(peers);
    next_ = 0;
    result_ = ResolveResult{};
    tip_before_ = node_.chain().tip()->hash();
    next_peer();
}

void ChainResolver::next_peer() {
    if (next_ >= queue_.size()) {
        result_.replaced = node_.chain().tip()->hash() != tip_before_;
        auto waiting = std::move(waiting_);
        waiting_.clear();
        const ResolveResult result = std::move(result_);
        for (auto& done : waiting)
            done(result);
        return;
    }
    auto sync = std::make_shared<PeerSync>();
    sync->peer = queue_[next_];
    sync->our_length = node_.chain().height() + 1;
    sync->from = sync->our_length;
    fetch_page(sync);
}

void ChainResolver::finish_peer(PeerVerdict verdict) {
    result_.peers.push_back(std::move(verdict));
    ++next_;
    next_peer();
}

void ChainResolver::fetch_page(const std::shared_ptr<PeerSync>& sync) {
    const std::string target = "/chain?from=" + std::to_string(sync->from) +
                               "&limit=" + std::to_string(options_.page_blocks);
    fetch_(sync->peer, target, options_.max_page_bytes,
           [this, alive = std::weak_ptr<int>(alive_), sync](ClientResult r) {
               if (alive.expired()) return;
               on_page(sync, r);
           });
}

void ChainResolver::on_page(const std::shared_ptr<PeerSync>& sync, const ClientResult& r) {
    const std::string url = sync->peer.str();
    if (!r.ok) return finish_peer({url, "unreachable", r.error});
    if (r.status == 404 || r.status == 405) {
        return finish_peer({url, "incompatible",
                            std::string(kNotChainsim) + "GET /chain answered HTTP " +
                                std::to_string(r.status)});
    }
    if (r.status != 200) {
        return finish_peer(
            {url, "unreachable", "GET /chain answered HTTP " + std::to_string(r.status)});
    }
    sync->bytes += r.body.size();
    Page page;
    std::string error;
    switch (decode_page(r.body, sync->from, network_.genesis, page, error)) {
        case PageError::kNone:
            break;
        case PageError::kForeignFormat:
            return finish_peer({url, "incompatible", std::string(kNotChainsim) + error});
        case PageError::kBadChain:
            return finish_peer({url, "refused", error});
    }
    if (!sync->connected && sync->locate_steps == 0) {
        sync->claimed = page.length;
        if (page.length <= sync->our_length) {
            return finish_peer({url, "not-better",
                                "it claims " + std::to_string(page.length) + " blocks; we have " +
                                    std::to_string(sync->our_length)});
        }
    }
    const bool served = !page.blocks.empty();
    if (!sync->connected) {
        if (!served) {
            return finish_peer({url, "refused",
                                "it claims " + std::to_string(sync->claimed) +
                                    " blocks but serves none from height " +
                                    std::to_string(sync->from)});
        }
        const core::BlockIndex* parent = node_.chain().find(page.blocks.front()->prev());
        if (parent != nullptr && !node_.chain().invalid(parent) &&
            parent->height + 1 == sync->from) {
            sync->connected = true;
            sync->blocks = std::move(page.blocks);
        } else if (sync->from <= 1) {
            return finish_peer({url, "refused", "its chain does not descend from our genesis"});
        } else if (++sync->locate_steps > options_.max_locate_steps) {
            return finish_peer({url, "refused",
                                "its chain does not meet ours within " +
                                    std::to_string(options_.max_locate_steps) + " pages"});
        } else {
            sync->from = sync->from > sync->back ? sync->from - sync->back : 1;
            sync->back *= 4;
            return fetch_page(sync);
        }
    } else {
        if (!page.blocks.empty() && page.blocks.front()->prev() != sync->blocks.back()->hash()) {
            return finish_peer({url, "refused",
                                "not a chain: block " + std::to_string(sync->from) +
                                    " does not extend the page before it"});
        }
        sync->blocks.insert(sync->blocks.end(), page.blocks.begin(), page.blocks.end());
    }
    if (sync->blocks.size() > options_.max_blocks) sync->blocks.resize(options_.max_blocks);
    const std::uint64_t start = sync->blocks.front()->height();
    const std::uint64_t next = start + sync->blocks.size();
    if (served && next < sync->claimed && sync->blocks.size() < options_.max_blocks &&
        sync->bytes < options_.max_bytes) {
        sync->from = next;
        return fetch_page(sync);
    }
    validate_and_adopt(sync);
}

void ChainResolver::validate_and_adopt(const std::shared_ptr<PeerSync>& sync) {
    const std::string url = sync->peer.str();
    const std::int64_t now = node_.unix_now();
    // Our blocks from genesis up to where the peer's branch attaches, then the branch.
    std::vector<core::BlockRef> ours;
    for (const core::BlockIndex* p = node_.chain().find(sync->blocks.front()->prev());
         p != nullptr && p->height > 0; p = p->parent) {
        ours.push_back(p->block);
    }
    std::reverse(ours.begin(), ours.end());
    core::Chain scratch(network_.consensus, network_.genesis);
    for (const core::BlockRef& b : ours) {
        core::AcceptResult ar = scratch.accept(b, now);
        if (ar.status != core::AcceptResult::Status::kAccepted) {
            return finish_peer({url, "refused",
                                "it builds on our block " + b->hash().display_hex() +
                                    ", which does not validate: " + ar.result.message});
        }
    }
    for (const core::BlockRef& b : sync->blocks) {
        core::AcceptResult ar = scratch.accept(b, now);
        if (ar.status != core::AcceptResult::Status::kAccepted ||
            scratch.tip()->hash() != b->hash()) {
            const core::ValidationResult& why = ar.result;
            return finish_peer({url, "refused",
                                "block " + std::to_string(b->height()) + " (" +
                                    b->hash().display_hex() +
                                    ") is invalid: " + std::string(core::reject_name(why.reason)) +
                                    ": " + why.message});
        }
    }
    const core::BlockIndex* theirs = scratch.tip();
    if (theirs->chain_work <= node_.chain().tip()->chain_work) {
        return finish_peer({url, "not-better",
                            "its chain (height " + std::to_string(theirs->height) +
                                ") is valid but has no more work than ours"});
    }
    for (const core::BlockRef& b : sync->blocks) {
        if (!node_.chain().knows(b->hash())) (void)node_.submit_block(b);
    }
    finish_peer(
        {url, "adopted",
         "height " + std::to_string(theirs->height) + ", tip " + theirs->hash().display_hex()});
}

}  // namespace live
