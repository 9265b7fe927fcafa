// LiveClock: core::Clock on the wall clock and Asio timers. now() is Unix time in
// nanoseconds (so NodeConfig::unix_time_at_zero is 0) plus a fixed offset (0 unless a test
// or the soak sets one to play a clock that jumped); timers run on the io_context's thread.
// Destroying the clock cancels every timer it set. Not thread-safe.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <unordered_map>

#include "core/node.h"

namespace live {

class LiveClock final : public core::Clock {
  public:
    explicit LiveClock(boost::asio::io_context& io, core::Nanos offset = 0)
        : io_(io), offset_(offset) {}
    ~LiveClock() override { cancel_all(); }
    LiveClock(const LiveClock&) = delete;
    LiveClock& operator=(const LiveClock&) = delete;

    core::Nanos now() const override;
    core::TimerId after(core::Nanos delay, std::function<void()> fn) override;
    void cancel(core::TimerId id) override;
    void cancel_all();

  private:
    boost::asio::io_context& io_;
    core::Nanos offset_ = 0;  // added to the system clock
    std::uint64_t next_id_ = 1;
    std::unordered_map<std::uint64_t, std::unique_ptr<boost::asio::steady_timer>> timers_;
    // Handlers hold a weak reference: one already queued when the clock dies does nothing.
    std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

// Unix time in nanoseconds from the system clock.
core::Nanos unix_nanos();

}  // namespace live
