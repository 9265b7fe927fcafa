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
//     or one whose event already ran or was cancelled, does nothing and returns false. Ids carry
//     the event's sequence number, never reused, so a stale id never cancels a later event that
//     reuses its storage.
//   - Callbacks may schedule and cancel events (including their own id: a no-op) and call
//     stop(); they must not call run()/run_one()/run_until() re-entrantly.
//   - The Scheduler owns pending callbacks; they are destroyed when run, cancelled, or when the
//     Scheduler is destroyed.
//   - Single-threaded: one Scheduler per thread; parallelism is across runs.
//
// Limits (hard failures, not asserts): at most 2^24 - 1 events pending at once and 2^40 events
// scheduled over a Scheduler's life (about 2.5 days of wall time at 5 M events/s).
//
// Implementation: a radix heap (Ahuja, Mehlhorn, Orlin & Tarjan, "Faster algorithms for the
// shortest path problem", J. ACM 37(2), 1990) of 16-byte keys {time, tag}, tag = seq << 24 |
// slot. Event times never go below now(), so the queue is monotone: a key lives in bucket
// bit_width(time ^ last) (1..64), and the keys due by `last` form the front run, bucket 0,
// sorted by (time, sequence) and taken out in that order; a key pushed at or before `last` is
// inserted into the run in order. Pushing otherwise appends to a bucket. When the run is used
// up, the lowest non-empty bucket (a bitmask of occupied buckets names it) is scanned: if it
// holds at most kSortedRun keys within a short span they are sorted and become the run, with
// `last` their latest time; otherwise its earliest time becomes `last` and its keys are spread
// over the buckets below, those at exactly `last` forming the run. Every access is a
// sequential scan, a short sort or an append, where a binary or 4-ary heap takes a cache miss
// per level once it outgrows the caches (at 100k nodes). The order is exactly (time, seq), as
// a heap gives.
// Callbacks live in a chunked slab (they never move while pending). Free slots are kept on a
// stack of indices, not threaded through the slots: taking one reads no slot, so a burst of
// sends (a relay) does not walk a chain of cold slots. A slot remembers the tag of its event,
// and an EventId is that tag: sequence numbers are never reused, so a stale id can never
// match. Cancellation is lazy: the slot is freed at once and
// the key, whose tag no longer matches, is skipped when it surfaces (the buckets are compacted
// when dead keys outnumber live ones).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/time.h"
#include "sim/engine/callback.h"

namespace sim {

// Names a scheduled event, for cancel(). Default-constructed ids name no event.
struct EventId {
    std::uint64_t tag = 0;  // seq << 24 | slot; 0 is never issued
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
    // REQUIRES: delay >= 0. A delay past the end of time saturates at core::kNever.
    EventId schedule_after(core::Nanos delay, Callback callback) {
        return schedule_at(core::add_saturating(now_, delay), std::move(callback));
    }

    // Returns true if the event was pending and is now cancelled (its callback is destroyed).
    bool cancel(EventId id);

    // Runs the next pending event, advancing now() to its time. Returns false if none is pending.
    bool run_one();
    // Runs every event with time <= t, then sets now() = t. REQUIRES: t >= now().
    // If a callback calls stop(), returns after that event and leaves now() at its time.
    void run_until(core::Nanos t);
    // The same, but returns early, now() at the last event run, once executed() reaches
    // `max_executed`; called again it goes on where it stopped.
    void run_until(core::Nanos t, std::uint64_t max_executed);
    // Runs events until none is pending or a callback calls stop().
    void run();
    // Asks the running run()/run_until() to return after the current event.
    void stop() { stop_requested_ = true; }

    std::uint64_t executed() const { return executed_; }
    std::size_t pending() const { return live_; }

  private:
    struct Key {
        std::uint64_t time;  // core::Nanos, never negative
        std::uint64_t tag;   // seq << kSlotBits | slot: unique, and ordered by seq
    };
    struct Slot {
        Callback callback;
        // The tag of the pending event; kFree when the slot is free (no tag is below
        // 2^kSlotBits, since seq starts at 1); kRunning while running.
        std::uint64_t tag = 0;
    };
    static_assert(sizeof(Key) == 16);

    static constexpr int kSlotBits = 24;
    static constexpr std::uint64_t kSlotMask = (std::uint64_t{1} << kSlotBits) - 1;
    static constexpr std::uint64_t kMaxSeq = std::uint64_t{1} << (64 - kSlotBits);
    static constexpr std::uint32_t kNoSlot = static_cast<std::uint32_t>(kSlotMask);
    static constexpr std::uint64_t kRunning = kSlotMask;
    static constexpr std::uint64_t kFree = 0;
    static constexpr std::uint32_t kChunkBits = 10;
    static constexpr std::uint32_t kChunkSize = 1u << kChunkBits;
    static constexpr std::size_t kBuckets = 65;  // bit_width of a 64-bit xor: 0..64

    Slot& slot(std::uint64_t index) {
        return chunks_[index >> kChunkBits][index & (kChunkSize - 1)];
    }
    std::uint32_t allocate_slot();
    void free_slot(std::uint32_t index);
    bool is_live(const Key& key) { return slot(key.tag & kSlotMask).tag == key.tag; }

    // The radix heap.
    std::size_t bucket_of(std::uint64_t time) const {
        return static_cast<std::size_t>(std::bit_width(time ^ last_));
    }
    void push(const Key& key);
    // Appends `key` to its bucket and marks the bucket occupied (no count).
    // Inline: the spread in refill_until moves every key through here several times.
    void put(const Key& key) {
        const std::size_t b = bucket_of(key.time);
        buckets_[b].push_back(key);
        if (b > 0) occupied_ |= std::uint64_t{1} << (b - 1);
    }
    // The earliest key, if its time is <= limit: then true, with `key` filled and taken out.
    // Inline while the front run lasts (most pops); refill_until makes the next run.
    bool pop_until(std::uint64_t limit, Key& key) {
        std::vector<Key>& run = buckets_[0];
        if (front_ == run.size()) return refill_until(limit, key);
        if (run[front_].time > limit) return false;
        key = run[front_++];
        --queued_;
        return true;
    }
    // pop_until once the front run is used up: the next run from the lowest bucket.
    bool refill_until(std::uint64_t limit, Key& key);
    std::size_t queued() const { return queued_; }
    bool run_next(std::uint64_t limit);
    void compact_if_mostly_dead();

    core::Nanos now_ = 0;
    std::uint64_t next_seq_ = 1;
    std::uint64_t executed_ = 0;
    std::size_t live_ = 0;
    bool stop_requested_ = false;

    std::vector<Key> buckets_[kBuckets];
    std::size_t front_ = 0;       // the front run's keys before front_ are taken out
    std::uint64_t last_ = 0;      // every queued key's time is >= last_
    std::size_t queued_ = 0;      // keys in the buckets (live and dead)
    std::uint64_t occupied_ = 0;  // bit b - 1 set: bucket b (1..64) is not empty
    std::vector<std::unique_ptr<Slot[]>> chunks_;
    std::uint32_t slot_count_ = 0;
    std::vector<std::uint32_t> free_slots_;  // a stack: the latest freed is reused first
};

}  // namespace sim
