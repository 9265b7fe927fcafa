#include "sim/engine.h"

#include <cassert>
#include <utility>

namespace sim {
namespace {

constexpr std::size_t kArity = 4;

// Generations skip 0 so that a default-constructed EventId never matches a slot.
std::uint32_t next_generation(std::uint32_t g) {
    return g + 1 == 0 ? 1 : g + 1;
}

}  // namespace

Scheduler::Scheduler() = default;
Scheduler::~Scheduler() = default;

EventId Scheduler::schedule_at(core::Nanos t, Callback callback) {
    assert(t >= now_ && "scheduling an event in the past");
    assert(callback && "scheduling an empty callback");
    const std::uint32_t index = allocate_slot();
    Slot& s = slot(index);
    s.callback = std::move(callback);
    heap_push(Key{t, next_seq_++, index, s.generation});
    ++live_;
    return EventId{index, s.generation};
}

bool Scheduler::cancel(EventId id) {
    if (id.generation == 0 || id.slot >= slot_count_) return false;
    Slot& s = slot(id.slot);
    if (s.generation != id.generation) return false;
    s.generation = next_generation(s.generation);
    s.callback.reset();
    release_slot(id.slot);
    --live_;
    compact_if_mostly_dead();
    return true;
}

bool Scheduler::run_one() {
    drop_dead_top();
    if (heap_.empty()) return false;
    const Key key = heap_.front();
    heap_pop();
    now_ = key.time;
    ++executed_;
    --live_;
    Slot& s = slot(key.slot);
    // Retire the id before running, so the callback cancelling itself is a no-op; keep the slot
    // off the free list until the callback is done, so it cannot be reused under it. Chunked
    // storage means `s` stays valid while the callback schedules more events.
    s.generation = next_generation(s.generation);
    s.callback();
    s.callback.reset();
    release_slot(key.slot);
    return true;
}

void Scheduler::run_until(core::Nanos t) {
    assert(t >= now_ && "run_until a time in the past");
    stop_requested_ = false;
    while (!stop_requested_) {
        drop_dead_top();
        if (heap_.empty() || heap_.front().time > t) break;
        run_one();
    }
    if (!stop_requested_) now_ = t;
}

void Scheduler::run() {
    stop_requested_ = false;
    while (!stop_requested_ && run_one()) {
    }
}

std::uint32_t Scheduler::allocate_slot() {
    if (free_head_ != kNoSlot) {
        const std::uint32_t index = free_head_;
        free_head_ = slot(index).next_free;
        return index;
    }
    assert(slot_count_ < kNoSlot && "too many pending events");
    if ((slot_count_ & (kChunkSize - 1)) == 0)
        chunks_.push_back(std::make_unique<Slot[]>(kChunkSize));
    return slot_count_++;
}

void Scheduler::release_slot(std::uint32_t index) {
    slot(index).next_free = free_head_;
    free_head_ = index;
}

void Scheduler::heap_push(const Key& key) {
    std::size_t hole = heap_.size();
    heap_.push_back(key);
    while (hole > 0) {
        const std::size_t parent = (hole - 1) / kArity;
        if (!earlier(key, heap_[parent])) break;
        heap_[hole] = heap_[parent];
        hole = parent;
    }
    heap_[hole] = key;
}

void Scheduler::heap_pop() {
    const Key last = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0, last);
}

// Places `key` at `hole` or below, moving smaller children up.
void Scheduler::sift_down(std::size_t hole, const Key& key) {
    const std::size_t size = heap_.size();
    for (;;) {
        const std::size_t first = hole * kArity + 1;
        if (first >= size) break;
        const std::size_t end = first + kArity < size ? first + kArity : size;
        std::size_t best = first;
        for (std::size_t c = first + 1; c < end; ++c) {
            if (earlier(heap_[c], heap_[best])) best = c;
        }
        if (!earlier(heap_[best], key)) break;
        heap_[hole] = heap_[best];
        hole = best;
    }
    heap_[hole] = key;
}

void Scheduler::drop_dead_top() {
    while (!heap_.empty() && !is_live(heap_.front()))
        heap_pop();
}

// Lazy cancellation leaves dead keys in the heap; when they outnumber the live ones, drop them
// all and re-heapify. The order of events is unaffected: it is fixed by (time, seq) alone.
void Scheduler::compact_if_mostly_dead() {
    constexpr std::size_t kMinHeapToCompact = 1024;
    if (heap_.size() < kMinHeapToCompact || heap_.size() - live_ <= live_) return;
    std::size_t kept = 0;
    for (const Key& key : heap_) {
        if (is_live(key)) heap_[kept++] = key;
    }
    heap_.resize(kept);
    if (kept < 2) return;
    for (std::size_t i = (kept - 2) / kArity + 1; i-- > 0;)
        sift_down(i, Key(heap_[i]));
}

}  // namespace sim
