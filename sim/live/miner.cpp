#include "sim/live/miner.h"

#include <boost/asio/post.hpp>

#include "core/pow.h"

namespace live {

Miner::Miner(boost::asio::io_context& io, const core::Node& node, std::uint64_t slice)
    : io_(io), node_(node), slice_(slice) {}

void Miner::mine(std::function<void(const core::BlockRef&)> done) {
    jobs_.push_back(std::move(done));
    if (!searching_) start_job();
}

void Miner::stop() {
    jobs_.clear();
    searching_ = false;
    alive_ = std::make_shared<int>(0);  // orphans the pending slice
}

void Miner::start_job() {
    if (jobs_.empty()) {
        searching_ = false;
        return;
    }
    searching_ = true;
    template_ = node_.block_template();
    header_ = template_->header();
    boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
        if (!alive.expired()) step();
    });
}

void Miner::step() {
    if (template_->prev() != node_.chain().tip()->hash()) {
        // The tip moved: a block on the old one would only be stale.
        template_ = node_.block_template();
        header_ = template_->header();
    }
    const core::U256 target = core::U256::from_compact(header_.bits);
    const core::NonceSearchResult found = core::search_nonce(header_, target, slice_);
    hashes_ += found.tries;
    if (found.found) {
        if (!node_.chain().knows(found.hash)) {
            header_.nonce = found.nonce;
            const core::BlockRef block = core::Block::make(header_, template_->txs());
            auto done = std::move(jobs_.front());
            jobs_.pop_front();
            const std::weak_ptr<int> alive = alive_;
            done(block);
            if (!alive.expired()) start_job();
            return;
        }
        header_.time += 1;  // that very block exists already: a new time gives a new one
        header_.nonce = 0;
    } else {
        const std::uint64_t next = static_cast<std::uint64_t>(header_.nonce) + found.tries;
        if (next > UINT32_MAX || found.tries == 0) {
            header_.time += 1;  // nonces exhausted at this time
            header_.nonce = 0;
        } else {
            header_.nonce = static_cast<std::uint32_t>(next);
        }
    }
    boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_)] {
        if (!alive.expired()) step();
    });
}

}  // namespace live
