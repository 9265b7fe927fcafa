#include "sim/live/live_clock.h"

#include <chrono>

namespace live {

core::Nanos unix_nanos() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

core::Nanos LiveClock::now() const {
    return unix_nanos() + offset_;
}

core::TimerId LiveClock::after(core::Nanos delay, std::function<void()> fn) {
    const std::uint64_t id = next_id_++;
    auto timer = std::make_unique<boost::asio::steady_timer>(io_);
    timer->expires_after(std::chrono::nanoseconds(std::max<core::Nanos>(0, delay)));
    // A cancelled timer completes with operation_aborted; one that had already expired when
    // it was cancelled is no longer in timers_.
    timer->async_wait([this, alive = std::weak_ptr<int>(alive_), id,
                       fn = std::move(fn)](const boost::system::error_code& ec) {
        if (ec || alive.expired()) return;
        auto it = timers_.find(id);
        if (it == timers_.end()) return;
        timers_.erase(it);
        fn();
    });
    timers_.emplace(id, std::move(timer));
    return core::TimerId{id};
}

void LiveClock::cancel(core::TimerId id) {
    auto it = timers_.find(id.value);
    if (it == timers_.end()) return;
    it->second->cancel();
    timers_.erase(it);
}

void LiveClock::cancel_all() {
    for (auto& [id, timer] : timers_)
        timer->cancel();
    timers_.clear();
}

}  // namespace live
