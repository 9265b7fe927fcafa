#include "sim/trace.h"

#include <cstdio>

#include "core/message.h"
#include "core/validation.h"

namespace sim {

void Trace::add(const TraceRecord& r) {
    ++count_;
    hasher_.write_u8(static_cast<std::uint8_t>(r.kind))
        .write_i64le(r.at)
        .write_u32le(static_cast<std::uint32_t>(r.a))
        .write_u32le(static_cast<std::uint32_t>(r.b))
        .write_u32le(r.detail)
        .write_hash(r.subject);
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
