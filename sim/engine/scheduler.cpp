#include "sim/engine/scheduler.h"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <utility>

namespace sim {
namespace {

// Buckets of at most kSortedRun keys, spanning at most 2^(kSortedRunBits - 1) ns (16 ms), are
// sorted into the front run instead of spread.
constexpr std::size_t kSortedRun = 1024;
constexpr std::size_t kSortedRunBits = 25;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "sim::Scheduler: %s\n", what);
    std::abort();
}

}  // namespace

Scheduler::Scheduler() = default;
Scheduler::~Scheduler() = default;

EventId Scheduler::schedule_at(core::Nanos t, Callback callback) {
    assert(t >= now_ && "scheduling an event in the past");
    assert(callback && "scheduling an empty callback");
    if (next_seq_ >= kMaxSeq) fail("more than 2^40 events scheduled");
    const std::uint32_t index = allocate_slot();
    Slot& s = slot(index);
    s.callback = std::move(callback);
    s.tag = next_seq_++ << kSlotBits | index;
    push(Key{static_cast<std::uint64_t>(t), s.tag});
    ++live_;
    return EventId{s.tag};
}

bool Scheduler::cancel(EventId id) {
    const std::uint64_t index = id.tag & kSlotMask;
    if (id.tag <= kSlotMask || index >= slot_count_) return false;  // includes the default id
    Slot& s = slot(index);
    if (s.tag != id.tag) return false;  // already ran or cancelled
    s.callback.reset();
    free_slot(static_cast<std::uint32_t>(index));
    --live_;
    compact_if_mostly_dead();
    return true;
}

bool Scheduler::run_one() {
    return run_next(~std::uint64_t{0});
}

// Takes keys out until a live one, runs it and returns true; returns false (taking nothing
// live) if none is queued or the earliest key is later than `limit`. A dead key first is no
// later than any live one, so comparing it with `limit` is enough to stop.
bool Scheduler::run_next(std::uint64_t limit) {
    Key key;
    while (pop_until(limit, key)) {
        const auto index = static_cast<std::uint32_t>(key.tag & kSlotMask);
        Slot& s = slot(index);
        if (s.tag != key.tag) continue;  // cancelled
        // Software pipelining over the front run, before this event runs: the slots three and
        // four events ahead start loading (both: a new run has had nothing loaded); the event
        // two ahead (its slot loaded a step ago) starts loading what it will touch (stage 0),
        // and the next one the level below (stage 1). Hints only: order and effects are
        // unchanged.
        const std::vector<Key>& run = buckets_[0];
        const std::size_t ahead = run.size() - front_;
        if (ahead > 3) __builtin_prefetch(&slot(run[front_ + 3].tag & kSlotMask));
        if (ahead > 2) __builtin_prefetch(&slot(run[front_ + 2].tag & kSlotMask));
        if (ahead > 1) slot(run[front_ + 1].tag & kSlotMask).callback.prefetch(0);
        if (ahead > 0) slot(run[front_].tag & kSlotMask).callback.prefetch(1);
        now_ = static_cast<core::Nanos>(key.time);
        ++executed_;
        --live_;
        // Retire the id before running, so the callback cancelling itself is a no-op; keep the
        // slot off the free list until the callback is done, so it cannot be reused under it.
        // Chunked storage keeps `s` valid while the callback schedules more events.
        s.tag = kRunning;
        s.callback();
        s.callback.reset();
        free_slot(index);
        return true;
    }
    return false;
}

void Scheduler::run_until(core::Nanos t) {
    assert(t >= now_ && "run_until a time in the past");
    stop_requested_ = false;
    while (!stop_requested_ && run_next(static_cast<std::uint64_t>(t))) {
    }
    if (!stop_requested_) now_ = t;
}

void Scheduler::run_until(core::Nanos t, std::uint64_t max_executed) {
    assert(t >= now_ && "run_until a time in the past");
    stop_requested_ = false;
    while (!stop_requested_ && executed_ < max_executed &&
           run_next(static_cast<std::uint64_t>(t))) {
    }
    if (!stop_requested_ && executed_ < max_executed) now_ = t;
}

void Scheduler::run() {
    stop_requested_ = false;
    while (!stop_requested_ && run_one()) {
    }
}

std::uint32_t Scheduler::allocate_slot() {
    if (!free_slots_.empty()) {
        const std::uint32_t index = free_slots_.back();
        free_slots_.pop_back();
        return index;
    }
    if (slot_count_ >= kNoSlot) fail("more than 2^24 - 1 events pending");
    if ((slot_count_ & (kChunkSize - 1)) == 0)
        chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
    return slot_count_++;
}

void Scheduler::free_slot(std::uint32_t index) {
    slot(index).tag = kFree;
    free_slots_.push_back(index);
}

void Scheduler::push(const Key& key) {
    if (key.time <= last_) {
        // Into the front run, in (time, sequence) order: its keys are all due by last_, and a
        // new key has the largest sequence number yet, so it goes after every key at its time.
        std::vector<Key>& run = buckets_[0];
        const auto first = run.begin() + static_cast<std::ptrdiff_t>(front_);
        const auto at = std::upper_bound(first, run.end(), key.time,
                                         [](std::uint64_t t, const Key& k) { return t < k.time; });
        run.insert(at, key);
    } else {
        put(key);
    }
    ++queued_;
}

bool Scheduler::refill_until(std::uint64_t limit, Key& key) {
    std::vector<Key>& run = buckets_[0];
    run.clear();
    front_ = 0;
    if (occupied_ == 0) return false;
    const auto lowest = static_cast<std::size_t>(std::countr_zero(occupied_)) + 1;
    std::vector<Key>& spread = buckets_[lowest];
    std::uint64_t earliest = spread.front().time;
    for (const Key& k : spread)
        earliest = std::min(earliest, k.time);
    if (earliest > limit) return false;  // last_ stays: nothing is taken out
    occupied_ &= ~(std::uint64_t{1} << (lowest - 1));
    if (spread.size() <= kSortedRun && lowest <= kSortedRunBits) {
        // A few keys close together: sorted once into the front run instead of spread
        // level by level (a short span, so few later pushes land inside the run and have
        // to be inserted). last_ becomes their latest time; the keys above differ from it
        // where they differed from the old last_, so they stay where they are.
        run.swap(spread);
        std::sort(run.begin(), run.end(), [](const Key& a, const Key& b) {
            return a.time != b.time ? a.time < b.time : a.tag < b.tag;
        });
        last_ = run.back().time;
    } else {
        // Every key of `spread` differs from the new last_ below bit `lowest - 1`, so each
        // lands in a lower bucket; the ones at the new last_ land in the front run.
        last_ = earliest;
        for (const Key& k : spread)
            put(k);
        spread.clear();
        // Same time: order by tag, i.e. by sequence number.
        std::sort(run.begin(), run.end(),
                  [](const Key& a, const Key& b) { return a.tag < b.tag; });
    }
    key = run[front_++];
    --queued_;
    return true;
}

// Lazy cancellation leaves dead keys in the buckets; when they outnumber the live ones, drop
// them all. The order of events is unaffected: it is fixed by (time, seq) alone, and the
// surviving keys keep their relative order within each bucket.
void Scheduler::compact_if_mostly_dead() {
    constexpr std::size_t kMinToCompact = 1024;
    if (queued_ < kMinToCompact || queued_ - live_ <= live_) return;
    buckets_[0].erase(buckets_[0].begin(), buckets_[0].begin() + static_cast<std::ptrdiff_t>(front_));
    front_ = 0;
    queued_ = 0;
    occupied_ = 0;
    for (std::size_t b = 0; b < kBuckets; ++b) {
        std::erase_if(buckets_[b], [this](const Key& k) { return !is_live(k); });
        queued_ += buckets_[b].size();
        if (b > 0 && !buckets_[b].empty()) occupied_ |= std::uint64_t{1} << (b - 1);
    }
}

}  // namespace sim
