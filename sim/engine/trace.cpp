#include "sim/engine/trace.h"

#include <bit>
#include <cstdio>
#include <cstring>

#include "core/message.h"
#include "core/validation.h"

namespace sim {

namespace {

// xxHash64's primes and round (Yann Collet, xxHash specification, "XXH64 algorithm").
constexpr std::uint64_t kPrime1 = 0x9E3779B185EBCA87ull;
constexpr std::uint64_t kPrime2 = 0xC2B2AE3D27D4EB4Full;

std::uint64_t xxh_round(std::uint64_t acc, std::uint64_t input) {
    acc += input * kPrime2;
    acc = (acc << 31) | (acc >> 33);
    return acc * kPrime1;
}

std::uint64_t load_le64(const std::uint8_t* p) {
    if constexpr (std::endian::native == std::endian::little) {
        std::uint64_t v;
        std::memcpy(&v, p, sizeof v);  // one load
        return v;
    } else {
        std::uint64_t v = 0;
        for (int i = 7; i >= 0; --i)
            v = v << 8 | p[i];
        return v;
    }
}

}  // namespace

Trace::Trace(bool record)
    : record_(record), lanes_{kPrime1 + kPrime2, kPrime2, 0, 0 - kPrime1} {}

void Trace::add(const TraceRecord& r) {
    ++count_;
    // Eight 64-bit words per record, two to each lane: the lanes are independent chains,
    // so their multiplies overlap, and within a lane the order of records matters.
    const std::uint64_t w0 = static_cast<std::uint64_t>(r.at);
    const std::uint64_t w1 = static_cast<std::uint64_t>(r.kind) | std::uint64_t{r.detail} << 8;
    const std::uint64_t w2 = std::uint64_t{static_cast<std::uint32_t>(r.a)} |
                             std::uint64_t{static_cast<std::uint32_t>(r.b)} << 32;
    const std::uint8_t* s = r.subject.data();
    lanes_[0] = xxh_round(xxh_round(lanes_[0], w0), load_le64(s));
    lanes_[1] = xxh_round(xxh_round(lanes_[1], w1), load_le64(s + 8));
    lanes_[2] = xxh_round(xxh_round(lanes_[2], w2), load_le64(s + 16));
    lanes_[3] = xxh_round(xxh_round(lanes_[3], count_), load_le64(s + 24));
    if (record_) records_.push_back(r);
}

const std::string& Trace::finish() {
    if (digest_.empty()) {
        core::Sha256 hasher;
        for (std::uint64_t lane : lanes_)
            hasher.write_u64le(lane);
        hasher.write_u64le(count_);
        digest_ = hasher.finish().hex();
    }
    return digest_;
}

std::string TraceRecord::describe() const {
    char time[32];
    std::snprintf(time, sizeof time, "t=%.9fs", core::to_seconds(at));
    const std::string subject_hex = subject.display_hex().substr(0, 16);
    std::string what;
    switch (kind) {
        case TraceKind::kDeliver:
            what = std::string("node ") + std::to_string(a) + " handled " +
                   core::message_kind_name(static_cast<core::Message::Kind>(detail)) + " from " +
                   std::to_string(b) + " (" + subject_hex + ")";
            break;
        case TraceKind::kBlockFound:
            what = "node " + std::to_string(a) + " found block " + subject_hex;
            break;
        case TraceKind::kTipChanged:
            what = "node " + std::to_string(a) + " moved its tip to " + subject_hex +
                   " (reorg depth " + std::to_string(detail) + ")";
            break;
        case TraceKind::kBlockRejected:
            what = "node " + std::to_string(a) + " rejected block " + subject_hex + " (" +
                   std::string(core::reject_name(static_cast<core::Reject>(detail))) + ")";
            break;
        case TraceKind::kTxAccepted:
            what = "node " + std::to_string(a) + " accepted tx " + subject_hex;
            break;
        case TraceKind::kTxRejected:
            what = "node " + std::to_string(a) + " rejected tx " + subject_hex + " (" +
                   std::string(core::reject_name(static_cast<core::Reject>(detail))) + ")";
            break;
        case TraceKind::kFault:
            what = "fault #" + std::to_string(a);
            break;
    }
    return std::string(time) + " " + what;
}

std::optional<std::size_t> first_divergence(const std::vector<TraceRecord>& a,
                                            const std::vector<TraceRecord>& b) {
    const std::size_t n = std::min(a.size(), b.size());
    for (std::size_t i = 0; i < n; ++i) {
        if (!(a[i] == b[i])) return i;
    }
    if (a.size() != b.size()) return n;
    return std::nullopt;
}

}  // namespace sim
