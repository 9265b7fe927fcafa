#include "sim/engine/scheduler.h"

#include <array>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "sim/engine/callback.h"
#include "sim/engine/rng.h"

namespace sim {
namespace {

using core::kMillisecond;
using core::kSecond;

TEST(Callback, InlineAndHeapCallablesRunAndMove) {
    int small_hits = 0;
    Callback small = [&small_hits] { ++small_hits; };
    std::array<char, 200> big_payload{};
    big_payload[199] = 7;
    int big_seen = 0;
    Callback big = [big_payload, &big_seen] { big_seen = big_payload[199]; };

    Callback moved = std::move(small);
    EXPECT_FALSE(small);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
    moved();
    EXPECT_EQ(small_hits, 1);
    Callback big_moved = std::move(big);
    big_moved();
    EXPECT_EQ(big_seen, 7);
}

TEST(Callback, DestroysCapturesExactlyOnce) {
    auto token = std::make_shared<int>(0);
    {
        Callback a = [token] {};
        EXPECT_EQ(token.use_count(), 2);
        Callback b = std::move(a);
        EXPECT_EQ(token.use_count(), 2);
        Callback c;
        c = std::move(b);
        EXPECT_EQ(token.use_count(), 2);
        c.reset();
        EXPECT_EQ(token.use_count(), 1);
    }
    EXPECT_EQ(token.use_count(), 1);
}

TEST(Callback, MoveOnlyCaptures) {
    auto owned = std::make_unique<int>(41);
    int result = 0;
    Callback cb = [p = std::move(owned), &result] { result = *p + 1; };
    cb();
    EXPECT_EQ(result, 42);
}

// A callable that says what it will touch: counts its prefetch hints by stage.
struct Hinted {
    std::vector<int>* ran;
    std::array<int, 2>* hints;
    int id;
    void operator()() { ran->push_back(id); }
    void prefetch(int stage) const noexcept { ++(*hints)[static_cast<std::size_t>(stage)]; }
};

TEST(Callback, PrefetchReachesCallablesThatHaveOneAndOnlyThem) {
    std::vector<int> ran;
    std::array<int, 2> hints{};
    Callback hinted = Hinted{&ran, &hints, 1};
    hinted.prefetch(0);
    hinted.prefetch(1);
    hinted.prefetch(1);
    EXPECT_EQ(hints[0], 1);
    EXPECT_EQ(hints[1], 2);
    EXPECT_TRUE(ran.empty());  // a hint never runs the callable

    Callback moved = std::move(hinted);
    moved.prefetch(0);
    EXPECT_EQ(hints[0], 2);

    Callback plain = [] {};
    plain.prefetch(0);  // no prefetch member: a no-op
    Callback empty;
    empty.prefetch(1);  // empty: a no-op
    moved();
    EXPECT_EQ(ran, std::vector<int>{1});
}

// The scheduler hints upcoming events (stage 0 before stage 1, each at most once per event it
// runs ahead of) and runs everything in (time, sequence) order as without hints.
TEST(Scheduler, PrefetchHintsLeaveTheOrderAlone) {
    Scheduler s;
    std::vector<int> ran;
    std::array<int, 2> hints{};
    std::vector<int> expected;
    for (int i = 0; i < 200; ++i) {
        const core::Nanos t = (i * 7919) % 50 * kMillisecond;  // many ties, out of order
        s.schedule_at(t, Hinted{&ran, &hints, i});
    }
    for (int t = 0; t < 50; ++t)
        for (int i = 0; i < 200; ++i)
            if ((i * 7919) % 50 == t) expected.push_back(i);
    s.run();
    EXPECT_EQ(ran, expected);
    EXPECT_GT(hints[0], 0);
    EXPECT_GT(hints[1], 0);
    EXPECT_LE(hints[0], 200);
    EXPECT_LE(hints[1], 200);
}

TEST(Scheduler, RunsInTimeOrderAndTiesInSchedulingOrder) {
    Scheduler s;
    std::string order;
    s.schedule_at(20, [&] { order += 'c'; });
    s.schedule_at(10, [&] { order += 'a'; });
    s.schedule_at(20, [&] { order += 'd'; });
    s.schedule_at(10, [&] { order += 'b'; });
    s.schedule_at(20, [&] { order += 'e'; });
    s.run();
    EXPECT_EQ(order, "abcde");
    EXPECT_EQ(s.now(), 20);
    EXPECT_EQ(s.executed(), 5u);
    EXPECT_EQ(s.pending(), 0u);
}

TEST(Scheduler, EventsScheduledNowFromACallbackRunAfterEarlierTies) {
    Scheduler s;
    std::string order;
    s.schedule_at(5, [&] {
        order += 'a';
        s.schedule_after(0, [&] { order += 'c'; });
    });
    s.schedule_at(5, [&] { order += 'b'; });
    s.run();
    EXPECT_EQ(order, "abc");
}

TEST(Scheduler, TieOrderHoldsAcrossManyEvents) {
    // Many same-time events interleaved with others: the heap must not reorder ties.
    Scheduler s;
    std::vector<int> order;
    for (int i = 0; i < 5000; ++i)
        s.schedule_at((i % 3) * kSecond, [&order, i] { order.push_back(i); });
    s.run();
    ASSERT_EQ(order.size(), 5000u);
    std::vector<int> expected;
    for (int r = 0; r < 3; ++r) {
        for (int i = r; i < 5000; i += 3)
            expected.push_back(i);
    }
    EXPECT_EQ(order, expected);
}

TEST(Scheduler, CancelSemantics) {
    Scheduler s;
    int ran = 0;
    EXPECT_FALSE(s.cancel(EventId{}));  // default-constructed: harmless
    const EventId a = s.schedule_at(10, [&] { ran += 1; });
    const EventId b = s.schedule_at(20, [&] { ran += 10; });
    EXPECT_EQ(s.pending(), 2u);
    EXPECT_TRUE(s.cancel(a));
    EXPECT_FALSE(s.cancel(a));  // already cancelled
    EXPECT_EQ(s.pending(), 1u);
    s.run();
    EXPECT_EQ(ran, 10);
    EXPECT_FALSE(s.cancel(b));  // already ran
    EXPECT_EQ(s.executed(), 1u);
}

TEST(Scheduler, StaleIdDoesNotCancelAReusedSlot) {
    Scheduler s;
    int ran = 0;
    const EventId old_id = s.schedule_at(10, [&] { ran += 1; });
    ASSERT_TRUE(s.cancel(old_id));
    // The only freed slot is reused by the next event.
    const EventId new_id = s.schedule_at(10, [&] { ran += 10; });
    EXPECT_NE(new_id, old_id);
    EXPECT_FALSE(s.cancel(old_id));
    s.run();
    EXPECT_EQ(ran, 10);

    // Same after the event ran rather than being cancelled.
    const EventId ran_id = new_id;
    s.schedule_at(20, [&] { ran += 100; });
    EXPECT_FALSE(s.cancel(ran_id));
    s.run();
    EXPECT_EQ(ran, 110);
}

TEST(Scheduler, CancelDestroysTheCallbackAtOnce) {
    Scheduler s;
    auto token = std::make_shared<int>(0);
    const EventId id = s.schedule_at(10, [token] {});
    EXPECT_EQ(token.use_count(), 2);
    s.cancel(id);
    EXPECT_EQ(token.use_count(), 1);
}

TEST(Scheduler, CallbackCancellingItselfOrALaterEvent) {
    Scheduler s;
    EventId self{}, later{};
    bool later_ran = false, self_cancel_result = true;
    self = s.schedule_at(10, [&] {
        self_cancel_result = s.cancel(self);
        EXPECT_TRUE(s.cancel(later));
    });
    later = s.schedule_at(20, [&] { later_ran = true; });
    s.run();
    EXPECT_FALSE(self_cancel_result);
    EXPECT_FALSE(later_ran);
}

TEST(Scheduler, ManyCancellationsKeepOrderAndCounts) {
    // Enough cancellations to trigger heap compaction; the survivors still run in order.
    Scheduler s;
    Rng rng(3);
    std::vector<EventId> ids;
    std::vector<core::Nanos> ran_at;
    for (int i = 0; i < 20000; ++i) {
        const core::Nanos t = rng.uniform_int(0, 1000) * kMillisecond;
        ids.push_back(s.schedule_at(t, [&s, &ran_at] { ran_at.push_back(s.now()); }));
    }
    int cancelled = 0;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (i % 4 != 0) cancelled += s.cancel(ids[i]);
    }
    EXPECT_EQ(cancelled, 15000);
    EXPECT_EQ(s.pending(), 5000u);
    s.run();
    EXPECT_EQ(ran_at.size(), 5000u);
    EXPECT_TRUE(std::is_sorted(ran_at.begin(), ran_at.end()));
}

TEST(Scheduler, MatchesAReferenceQueueUnderRandomWork) {
    // The radix heap against a plain ordered set of (time, scheduling order): random delays
    // (ties, zero, seconds, the end of time), cancellations of pending and stale ids, and
    // run_until slices that stop short of the next event or end on cancelled ones (so the
    // queue's notion of "last" runs ahead of now()).
    Scheduler s;
    Rng rng = Rng::stream(12, "engine-reference");
    std::set<std::pair<core::Nanos, int>> reference;  // (time, label); labels count up
    std::vector<std::pair<EventId, std::pair<core::Nanos, int>>> issued;
    std::vector<int> ran, expected;
    int next_label = 0;
    auto schedule = [&](core::Nanos delay) {
        const int label = next_label++;
        const core::Nanos t = core::add_saturating(s.now(), delay);
        const EventId id = s.schedule_at(t, [&ran, label] { ran.push_back(label); });
        reference.emplace(t, label);
        issued.push_back({id, {t, label}});
    };
    auto random_delay = [&]() -> core::Nanos {
        switch (rng.below(6)) {
            case 0: return 0;
            case 1: return static_cast<core::Nanos>(rng.below(4));
            case 2: return static_cast<core::Nanos>(rng.below(1'000'000));
            case 3: return static_cast<core::Nanos>(rng.below(10)) * kSecond;
            case 4: return core::kNever;
            default: return static_cast<core::Nanos>(rng.below(1u << 30));
        }
    };
    for (int round = 0; round < 400; ++round) {
        for (int i = static_cast<int>(rng.below(40)); i > 0; --i)
            schedule(random_delay());
        for (int i = static_cast<int>(rng.below(15)); i > 0 && !issued.empty(); --i) {
            const auto& [id, key] = issued[rng.below(issued.size())];
            const bool pending = reference.erase(key) != 0;
            EXPECT_EQ(s.cancel(id), pending);
        }
        const core::Nanos until = core::add_saturating(s.now(), random_delay() / 2);
        while (!reference.empty() && reference.begin()->first <= until) {
            expected.push_back(reference.begin()->second);
            reference.erase(reference.begin());
        }
        if (rng.below(8) == 0) {
            while (s.run_one()) {
            }
            for (const auto& key : reference)
                expected.push_back(key.second);
            reference.clear();
        } else {
            s.run_until(until);
        }
        ASSERT_EQ(ran, expected) << "round " << round;
        EXPECT_EQ(s.pending(), reference.size());
    }
}

TEST(Scheduler, RunUntilRunsDueEventsAndAdvancesTime) {
    Scheduler s;
    std::vector<core::Nanos> ran;
    for (core::Nanos t : {1, 5, 10, 11, 30})
        s.schedule_at(t * kSecond, [&] { ran.push_back(s.now()); });
    s.run_until(10 * kSecond);
    EXPECT_EQ(ran, (std::vector<core::Nanos>{1 * kSecond, 5 * kSecond, 10 * kSecond}));
    EXPECT_EQ(s.now(), 10 * kSecond);
    EXPECT_EQ(s.pending(), 2u);

    s.run_until(20 * kSecond);  // no event at 20 s: time still advances
    EXPECT_EQ(s.now(), 20 * kSecond);
    EXPECT_EQ(ran.size(), 4u);

    // schedule_after counts from the advanced time.
    s.schedule_after(kSecond, [&] { ran.push_back(s.now()); });
    s.run();
    EXPECT_EQ(ran.back(), 30 * kSecond);
    EXPECT_EQ(ran[4], 21 * kSecond);
}

TEST(Scheduler, RunUntilSkipsCancelledEvents) {
    Scheduler s;
    bool ran = false;
    const EventId id = s.schedule_at(5, [&] { ran = true; });
    s.cancel(id);
    s.run_until(10);
    EXPECT_FALSE(ran);
    EXPECT_EQ(s.executed(), 0u);
    EXPECT_EQ(s.now(), 10);
}

TEST(Scheduler, StopEndsRunAfterTheCurrentEvent) {
    Scheduler s;
    int ran = 0;
    s.schedule_at(1, [&] { ++ran; });
    s.schedule_at(2, [&] {
        ++ran;
        s.stop();
    });
    s.schedule_at(3, [&] { ++ran; });
    s.run();
    EXPECT_EQ(ran, 2);
    EXPECT_EQ(s.now(), 2);
    EXPECT_EQ(s.pending(), 1u);
    s.run();  // a new run() starts afresh
    EXPECT_EQ(ran, 3);

    s.schedule_at(10, [&] { s.stop(); });
    s.schedule_at(11, [&] { ++ran; });
    s.run_until(100);
    EXPECT_EQ(s.now(), 10);  // stopped: time stays at the stopping event
    EXPECT_EQ(ran, 3);
}

TEST(Scheduler, RunOneOnEmptyQueue) {
    Scheduler s;
    EXPECT_FALSE(s.run_one());
    EXPECT_EQ(s.now(), 0);
}

TEST(Scheduler, SameScheduleSameTrace) {
    // Determinism: two schedulers fed the same random workload produce the same trace.
    auto trace = [] {
        Scheduler s;
        Rng rng = Rng::stream(11, "engine-test");
        std::vector<std::pair<core::Nanos, int>> out;
        int next_label = 0;
        std::function<void(int)> spawn = [&](int label) {
            out.emplace_back(s.now(), label);
            if (next_label < 3000) {
                for (int i = 0; i < 2; ++i) {
                    const int child = next_label++;
                    s.schedule_after(rng.uniform_int(0, 5), [&spawn, child] { spawn(child); });
                }
            }
        };
        s.schedule_at(0, [&] { spawn(next_label++); });
        s.run();
        return out;
    };
    EXPECT_EQ(trace(), trace());
}

}  // namespace
}  // namespace sim
