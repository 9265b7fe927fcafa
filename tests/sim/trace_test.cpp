// Trace digest: a function of every field of every record and of their order; 64 hex
// digits; and pinned, so that a change of the digest's hash shows here first (it changes
// every run's digest: docs/performance.md, "trace digest").
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/hash.h"
#include "sim/engine/trace.h"

namespace sim {
namespace {

std::vector<TraceRecord> sample() {
    std::vector<TraceRecord> records;
    for (int i = 0; i < 5; ++i) {
        TraceRecord r;
        r.at = 1'000'000'000LL * i + 17;
        r.kind = i % 2 == 0 ? TraceKind::kDeliver : TraceKind::kTipChanged;
        r.a = i;
        r.b = 4 - i;
        r.detail = static_cast<std::uint32_t>(i * 3);
        r.subject = core::sha256("record " + std::to_string(i));
        records.push_back(r);
    }
    return records;
}

std::string digest_of(const std::vector<TraceRecord>& records) {
    Trace trace(/*record=*/false);
    for (const TraceRecord& r : records)
        trace.add(r);
    return trace.finish();
}

TEST(Trace, DigestIsPinned) {
    // Changes only when the digest's encoding or hash changes, which changes every run's
    // digest; say so in the commit and in docs/performance.md.
    EXPECT_EQ(digest_of(sample()),
              "b8b0930a005364e2c4b50bcbc8088eeca56e64eb080b9163d7515eb71847b397");
    EXPECT_EQ(digest_of({}),
              "a5a886ec8e1bca7e730e373527651a2a687b39cd751391c467031b863f453d91");
}

TEST(Trace, EveryFieldAndTheOrderCount) {
    const std::string base = digest_of(sample());
    EXPECT_EQ(base.size(), 64u);
    EXPECT_EQ(base.find_first_not_of("0123456789abcdef"), std::string::npos);
    EXPECT_EQ(digest_of(sample()), base);
    const std::vector<void (*)(TraceRecord&)> changes = {
        [](TraceRecord& r) { r.at += 1; },
        [](TraceRecord& r) { r.kind = TraceKind::kFault; },
        [](TraceRecord& r) { r.a += 1; },
        [](TraceRecord& r) { r.b = -1; },
        [](TraceRecord& r) { r.detail ^= 1u << 31; },
        [](TraceRecord& r) { r.subject.bytes[31] ^= 1; },
        [](TraceRecord& r) { r.subject.bytes[0] ^= 0x80; },
    };
    for (std::size_t c = 0; c < changes.size(); ++c) {
        for (std::size_t i = 0; i < sample().size(); ++i) {
            std::vector<TraceRecord> records = sample();
            changes[c](records[i]);
            EXPECT_NE(digest_of(records), base) << "change " << c << " at record " << i;
        }
    }
    std::vector<TraceRecord> swapped = sample();
    std::swap(swapped[1], swapped[2]);
    EXPECT_NE(digest_of(swapped), base);
    std::vector<TraceRecord> shorter = sample();
    shorter.pop_back();
    EXPECT_NE(digest_of(shorter), base);
}

TEST(Trace, FinishIsIdempotentAndRecordsAreKept) {
    Trace trace(/*record=*/true);
    for (const TraceRecord& r : sample())
        trace.add(r);
    const std::string first = trace.finish();
    EXPECT_EQ(trace.finish(), first);
    EXPECT_EQ(trace.count(), 5u);
    EXPECT_EQ(trace.records(), sample());
}

}  // namespace
}  // namespace sim
