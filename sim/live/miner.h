// Miner: real proof of work for a live node, searched on the io_context's thread in slices
// so the node keeps answering while it mines (and many nodes can mine in one process).
//
// Each job yields one block with valid proof of work on the node's tip at the time it is
// found: when the tip moves during the search, the search restarts on the new tip. The
// block is handed to the job's callback, not submitted. Jobs run one at a time, in order.
// Not thread-safe.
#pragma once

#include <boost/asio/io_context.hpp>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>

#include "core/node.h"

namespace live {

class Miner {
  public:
    // REQUIRES: `node` outlives the miner.
    Miner(boost::asio::io_context& io, const core::Node& node, std::uint64_t slice = 1 << 14);
    ~Miner() = default;

    void mine(std::function<void(const core::BlockRef&)> done);
    std::size_t queued() const { return jobs_.size(); }
    std::uint64_t hashes() const { return hashes_; }
    // Drops every job; their callbacks are not called.
    void stop();

  private:
    void start_job();
    void step();

    boost::asio::io_context& io_;
    const core::Node& node_;
    std::uint64_t slice_;
    std::deque<std::function<void(const core::BlockRef&)>> jobs_;
    bool searching_ = false;
    core::BlockRef template_;
    core::BlockHeader header_;
    std::uint64_t hashes_ = 0;
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace live
