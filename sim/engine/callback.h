// sim::Callback: a move-only `void()` callable with inline storage, so that scheduling an event
// whose callable captures a few pointers costs no heap allocation.
//
// Contract:
//   - Callables up to kInlineSize bytes (and alignment <= kInlineAlign) whose move
//     constructor is noexcept live inside the Callback; larger ones go to the heap.
//   - A Callback owns its callable; moving transfers it and leaves the source empty.
//   - Invoking an empty Callback is a programming error (asserted).
//   - Not thread-safe; like everything in sim/, it is used by one thread.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstring>
#include <new>
#include <type_traits>
#include <utility>

namespace sim {

class Callback {
  public:
    static constexpr std::size_t kInlineSize = 48;
    // 8, not alignof(max_align_t): keeps a Callback at 56 bytes so a scheduler slot is 64.
    static constexpr std::size_t kInlineAlign = alignof(void*);

    Callback() noexcept = default;

    template <class F, class D = std::decay_t<F>,
              class = std::enable_if_t<!std::is_same_v<D, Callback> && std::is_invocable_v<D&>>>
    Callback(F&& f) {  // NOLINT(google-explicit-constructor): callables convert implicitly
        if constexpr (fits_inline<D>()) {
            ::new (static_cast<void*>(storage_)) D(std::forward<F>(f));
            ops_ = &kInlineOps<D>;
        } else {
            D* heap = new D(std::forward<F>(f));
            std::memcpy(storage_, &heap, sizeof heap);
            ops_ = &kHeapOps<D>;
        }
    }

    Callback(Callback&& other) noexcept { take(other); }
    Callback& operator=(Callback&& other) noexcept {
        if (this != &other) {
            reset();
            take(other);
        }
        return *this;
    }
    Callback(const Callback&) = delete;
    Callback& operator=(const Callback&) = delete;
    ~Callback() { reset(); }

    explicit operator bool() const noexcept { return ops_ != nullptr; }

    void operator()() {
        assert(ops_ != nullptr && "invoking an empty sim::Callback");
        ops_->invoke(storage_);
    }

    // Asks the held callable to start loading what it will touch when invoked, if it can say:
    // a callable with a `void prefetch(int stage) const noexcept` member, held inline. Stage 0
    // comes first, from a few events ahead, and may only compute addresses; stage 1, one
    // event later, may read what stage 0 loaded to find the next level. Only hints to the
    // memory system: they change nothing the callable does. A no-op on an empty Callback.
    void prefetch(int stage) const noexcept {
        if (ops_ != nullptr && ops_->prefetch != nullptr) ops_->prefetch(storage_, stage);
    }

    // Destroys the held callable (if any); the Callback becomes empty.
    void reset() noexcept {
        if (ops_ != nullptr && ops_->destroy != nullptr) ops_->destroy(storage_);
        ops_ = nullptr;
    }

  private:
    struct Ops {
        void (*invoke)(void* storage);
        // nullptr when copying the first `size` bytes of the storage is a valid move (trivially
        // copyable callables and heap pointers).
        void (*move)(void* from, void* to) noexcept;
        std::size_t size;
        // nullptr when nothing needs destroying.
        void (*destroy)(void* storage) noexcept;
        // nullptr when the callable has no prefetch() (or lives on the heap).
        void (*prefetch)(const void* storage, int stage) noexcept;
    };

    template <class D>
    static constexpr bool has_prefetch() {
        return requires(const D& d) {
            { d.prefetch(0) } noexcept;
        };
    }

    template <class D>
    static constexpr bool fits_inline() {
        return sizeof(D) <= kInlineSize && alignof(D) <= kInlineAlign &&
               std::is_nothrow_move_constructible_v<D>;
    }

    template <class D>
    static void invoke_inline(void* s) {
        (*std::launder(static_cast<D*>(s)))();
    }
    template <class D>
    static void move_inline(void* from, void* to) noexcept {
        D* source = std::launder(static_cast<D*>(from));
        ::new (to) D(std::move(*source));
        source->~D();
    }
    template <class D>
    static void destroy_inline(void* s) noexcept {
        std::launder(static_cast<D*>(s))->~D();
    }
    template <class D>
    static void prefetch_inline(const void* s, int stage) noexcept {
        std::launder(static_cast<const D*>(s))->prefetch(stage);
    }
    template <class D>
    static constexpr void (*prefetch_of())(const void*, int) noexcept {
        if constexpr (has_prefetch<D>()) {
            return &prefetch_inline<D>;
        } else {
            return nullptr;
        }
    }
    template <class D>
    static D* heap_pointer(void* s) {
        D* p;
        std::memcpy(&p, s, sizeof p);
        return p;
    }
    template <class D>
    static void invoke_heap(void* s) {
        (*heap_pointer<D>(s))();
    }
    template <class D>
    static void destroy_heap(void* s) noexcept {
        delete heap_pointer<D>(s);
    }

    template <class D>
    static constexpr Ops kInlineOps{
        &invoke_inline<D>, std::is_trivially_copyable_v<D> ? nullptr : &move_inline<D>,
        std::is_empty_v<D> ? 0 : sizeof(D),  // an empty callable has no bytes worth copying
        std::is_trivially_destructible_v<D> ? nullptr : &destroy_inline<D>,
        prefetch_of<D>()};
    template <class D>
    static constexpr Ops kHeapOps{&invoke_heap<D>, nullptr, sizeof(D*), &destroy_heap<D>, nullptr};

    void take(Callback& other) noexcept {
        ops_ = other.ops_;
        if (ops_ == nullptr) return;
        if (ops_->move != nullptr) {
            ops_->move(other.storage_, storage_);
        } else {
            std::memcpy(storage_, other.storage_, ops_->size);
        }
        other.ops_ = nullptr;
    }

    alignas(kInlineAlign) unsigned char storage_[kInlineSize];
    const Ops* ops_ = nullptr;
};

}  // namespace sim
