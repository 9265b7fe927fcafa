// sim::Scheduler: the discrete-event engine. Virtual time, an event queue, nothing else.
//
// Contract:
//   - Events run in strict (time, sequence) order, where the sequence number is assigned when the
//     event is scheduled: events at the same time run in the order they were scheduled. Nothing
//     is ordered by address or hash, so a run is a pure function of what was scheduled.
//   - now() never decreases. It is the time of the event being run, or the time run_until()
//     advanced to.
//   - Scheduling before now() is a programming error (asserted), not input.
//   - An EventId is a plain value and always safe to use: cancelling a default-constructed id,
//     or one whose event already ran or was cancelled, does nothing and returns false. Ids are
//     generation-checked, so a stale id never cancels a later event that reuses its slot.
//   - Callbacks may schedule and cancel events (including their own id: a no-op) and call
//     stop(); they must not call run()/run_one()/run_until() re-entrantly.
//   - The Scheduler owns pending callbacks; they are destroyed when run, cancelled, or when the
//     Scheduler is destroyed.
//   - Single-threaded: one Scheduler per thread; parallelism is across runs.
//
// Implementation: a 4-ary min-heap of 24-byte POD keys {time, seq, slot, generation} over a slab of
// callbacks (chunked, so callbacks never move while pending) with a free list. Cancellation is
// lazy: the slot is freed at once and the heap key, whose generation no longer matches, is skipped
// when it surfaces (the heap is compacted when dead keys outnumber live ones).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/time.h"
#include "sim/callback.h"

namespace sim {

// Names a scheduled event, for cancel(). Default-constructed ids name no event.
struct EventId {
    std::uint32_t slot = 0;
    std::uint32_t generation = 0;  // 0 is never issued
    friend bool operator==(const EventId&, const EventId&) = default;
};

class Scheduler {
  public:
    Scheduler();
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    core::Nanos now() const { return now_; }

    // REQUIRES: t >= now(). Returns an id that cancel() accepts until the event runs.
    EventId schedule_at(core::Nanos t, Callback callback);
    // REQUIRES: delay >= 0.
    EventId schedule_after(core::Nanos delay, Callback callback) {
        return schedule_at(now_ + delay, std::move(callback));
    }

    // Returns true if the event was pending and is now cancelled (its callback is destroyed).
    bool cancel(EventId id);

    // Runs the next pending event, advancing now() to its time. Returns false if none is pending.
    bool run_one();
    // Runs every event with time <= t, then sets now() = t. REQUIRES: t >= now().
    // If a callback calls stop(), returns after that event and leaves now() at its time.
    void run_until(core::Nanos t);
    // Runs events until none is pending or a callback calls stop().
    void run();
    // Asks the running run()/run_until() to return after the current event.
    void stop() { stop_requested_ = true; }

    std::uint64_t executed() const { return executed_; }
    std::size_t pending() const { return live_; }

  private:
    struct Key {
        core::Nanos time;
        std::uint64_t seq;
        std::uint32_t slot;
        std::uint32_t generation;
    };
    struct Slot {
        Callback callback;
        std::uint32_t generation = 1;
        std::uint32_t next_free = 0;
    };
    static constexpr std::uint32_t kChunkBits = 10;
    static constexpr std::uint32_t kChunkSize = 1u << kChunkBits;
    static constexpr std::uint32_t kNoSlot = ~0u;

    static bool earlier(const Key& a, const Key& b) {
        return a.time < b.time || (a.time == b.time && a.seq < b.seq);
    }

    Slot& slot(std::uint32_t index) {
        return chunks_[index >> kChunkBits][index & (kChunkSize - 1)];
    }
    std::uint32_t allocate_slot();
    void release_slot(std::uint32_t index);
    bool is_live(const Key& key) { return slot(key.slot).generation == key.generation; }

    void heap_push(const Key& key);
    void heap_pop();
    void sift_down(std::size_t hole, const Key& key);
    // Pops cancelled keys off the top; afterwards the top (if any) is a live event.
    void drop_dead_top();
    void compact_if_mostly_dead();

    core::Nanos now_ = 0;
    std::uint64_t next_seq_ = 0;
    std::uint64_t executed_ = 0;
    std::size_t live_ = 0;
    bool stop_requested_ = false;

    std::vector<Key> heap_;
    std::vector<std::unique_ptr<Slot[]>> chunks_;
    std::uint32_t slot_count_ = 0;
    std::uint32_t free_head_ = kNoSlot;
};

}  // namespace sim
