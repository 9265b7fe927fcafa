#include "sim/engine/scheduler.h"

#include <cassert>
#include <cstdio>
#include <cstdlib>
#include <new>
#include <utility>

namespace sim {
namespace {

constexpr std::align_val_t kCacheLine{64};

// Index of the smallest of c[0..3], as arithmetic rather than branches: which child is smallest
// is unpredictable, and a mispredicted branch costs more than the whole computation.
template <class Key, class Less>
std::size_t smallest_of_four(const Key* c, Less less) {
    const auto a = static_cast<std::size_t>(less(c[1], c[0]));
    const auto b = 2 + static_cast<std::size_t>(less(c[3], c[2]));
    const auto pick = static_cast<std::size_t>(less(c[b], c[a]));
    return a + ((b - a) & (0 - pick));
}

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "sim::Scheduler: %s\n", what);
    std::abort();
}

}  // namespace

void Scheduler::AlignedFree::operator()(Key* p) const {
    ::operator delete[](p, kCacheLine);
}

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
    heap_push(Key{static_cast<std::uint64_t>(t), s.tag});
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

// Pops keys until a live one, runs it and returns true; returns false (popping nothing live) if
// the heap is empty or the earliest key is later than `limit`. A dead key at the top is no
// later than any live one, so comparing it with `limit` is enough to stop.
bool Scheduler::run_next(std::uint64_t limit) {
    for (;;) {
        if (heap_size() == 0 || top().time > limit) return false;
        const Key key = top();
        heap_pop();
        // The next event's slot is likely cold; start loading it while this one runs.
        if (heap_size() > 0) __builtin_prefetch(&slot(top().tag & kSlotMask));
        const auto index = static_cast<std::uint32_t>(key.tag & kSlotMask);
        Slot& s = slot(index);
        if (s.tag != key.tag) continue;  // cancelled
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
    if (free_head_ != kNoSlot) {
        const std::uint32_t index = free_head_;
        free_head_ = static_cast<std::uint32_t>(slot(index).tag);
        return index;
    }
    if (slot_count_ >= kNoSlot) fail("more than 2^24 - 1 events pending");
    if ((slot_count_ & (kChunkSize - 1)) == 0)
        chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
    return slot_count_++;
}

void Scheduler::free_slot(std::uint32_t index) {
    slot(index).tag = free_head_;
    free_head_ = index;
}

void Scheduler::grow_heap() {
    const std::size_t capacity = heap_capacity_ == 0 ? 256 : 2 * heap_capacity_;
    std::unique_ptr<Key[], AlignedFree> grown(new (kCacheLine) Key[capacity]);
    for (std::size_t pos = kRoot; pos < heap_end_; ++pos)
        grown[pos] = heap_[pos];
    heap_ = std::move(grown);
    heap_capacity_ = capacity;
}

void Scheduler::heap_push(const Key& key) {
    if (heap_end_ >= heap_capacity_) grow_heap();
    std::size_t hole = heap_end_++;
    while (hole > kRoot) {
        const std::size_t up = parent(hole);
        if (!earlier(key, heap_[up])) break;
        heap_[hole] = heap_[up];
        hole = up;
    }
    heap_[hole] = key;
}

// The smallest child of `hole`, or kNoChild. For a full group of four it is picked without
// branches, and the group below it is prefetched while the comparison runs: at 100k events
// the heap outgrows L2 and the walk is memory-bound.
std::size_t Scheduler::smallest_child(std::size_t hole) const {
    const std::size_t first = first_child(hole);
    if (first + kArity <= heap_end_) {
        const std::size_t below = first_child(first);
        if (below < heap_end_) {
            for (std::size_t g = 0; g < kArity; ++g)
                __builtin_prefetch(&heap_[below + kArity * g]);
        }
        return first + smallest_of_four(&heap_[first], earlier);
    }
    if (first >= heap_end_) return kNoChild;
    std::size_t best = first;
    for (std::size_t c = first + 1; c < heap_end_; ++c) {
        if (earlier(heap_[c], heap_[best])) best = c;
    }
    return best;
}

// Bottom-up deletion (Wegener): walk the hole from the root to a leaf along smallest children,
// then sift the former last key up from there. The last key is usually among the largest, so
// it rarely climbs, and the walk down needs no comparison against it.
void Scheduler::heap_pop() {
    const Key last = heap_[--heap_end_];
    if (heap_end_ == kRoot) return;
    std::size_t hole = kRoot;
    for (;;) {
        const std::size_t best = smallest_child(hole);
        if (best == kNoChild) break;
        heap_[hole] = heap_[best];
        hole = best;
    }
    while (hole > kRoot) {
        const std::size_t up = parent(hole);
        if (!earlier(last, heap_[up])) break;
        heap_[hole] = heap_[up];
        hole = up;
    }
    heap_[hole] = last;
}

// Places `key` at `hole` or below, moving smaller children up.
void Scheduler::sift_down(std::size_t hole, const Key& key) {
    for (;;) {
        const std::size_t best = smallest_child(hole);
        if (best == kNoChild) break;
        if (!earlier(heap_[best], key)) break;
        heap_[hole] = heap_[best];
        hole = best;
    }
    heap_[hole] = key;
}

// Lazy cancellation leaves dead keys in the heap; when they outnumber the live ones, drop them
// all and re-heapify. The order of events is unaffected: it is fixed by (time, seq) alone.
void Scheduler::compact_if_mostly_dead() {
    constexpr std::size_t kMinHeapToCompact = 1024;
    if (heap_size() < kMinHeapToCompact || heap_size() - live_ <= live_) return;
    std::size_t kept = kRoot;
    for (std::size_t pos = kRoot; pos < heap_end_; ++pos) {
        if (is_live(heap_[pos])) heap_[kept++] = heap_[pos];
    }
    heap_end_ = kept;
    if (heap_size() < 2) return;
    for (std::size_t pos = parent(heap_end_ - 1) + 1; pos-- > kRoot;)
        sift_down(pos, Key(heap_[pos]));
}

}  // namespace sim
