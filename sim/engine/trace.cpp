#include "sim/engine/trace.h"

#include <cstdio>
#include <cstring>

#include "core/message.h"
#include "core/validation.h"

namespace sim {

void Trace::add(const TraceRecord& r) {
    ++count_;
    // One fixed-size little-endian encoding per record, hashed in one call.
    std::uint8_t buf[1 + 8 + 4 + 4 + 4 + 32];
    std::size_t pos = 0;
    auto put = [&](std::uint64_t v, int bytes) {
        for (int i = 0; i < bytes; ++i)
            buf[pos++] = static_cast<std::uint8_t>(v >> (8 * i));
    };
    put(static_cast<std::uint8_t>(r.kind), 1);
    put(static_cast<std::uint64_t>(r.at), 8);
    put(static_cast<std::uint32_t>(r.a), 4);
    put(static_cast<std::uint32_t>(r.b), 4);
    put(r.detail, 4);
    std::memcpy(buf + pos, r.subject.data(), 32);
    hasher_.write(std::span<const std::uint8_t>(buf, sizeof buf));
    if (record_) records_.push_back(r);
}

const std::string& Trace::finish() {
    if (digest_.empty()) digest_ = hasher_.finish().hex();
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
