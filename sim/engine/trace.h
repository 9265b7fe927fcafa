// sim::Trace: the run's trace digest — a running hash over every event that changes
// state (a message handled, a block found, a tip change, a transaction accepted or
// rejected, a fault). Same binary + scenario + seed => same digest.
//
// The digest is a determinism check, not a security boundary, so records are folded into
// four 64-bit lanes with xxHash64's round (multiply, rotate, multiply: a few cycles per
// record instead of a SHA-256 compression); finish() hashes the lanes and the record count
// with SHA-256 into the 64 hex digits the report shows (docs/performance.md, "trace digest").
//
// With recording on it also keeps one small record per event, so two runs can be compared
// and the first diverging event named (--check-determinism).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/hash.h"
#include "core/time.h"

namespace sim {

enum class TraceKind : std::uint8_t {
    kDeliver = 1,    // a: receiver, b: sender, detail: message kind, subject: hash
    kBlockFound,     // a: miner, subject: block
    kTipChanged,     // a: node, detail: reorg depth, subject: new tip
    kBlockRejected,  // a: node, b: sender, detail: reason, subject: block
    kTxAccepted,     // a: node, b: sender, subject: txid
    kTxRejected,     // a: node, b: sender, detail: reason, subject: txid
    kFault,          // a: event index, detail: event kind
};

struct TraceRecord {
    core::Nanos at = 0;
    TraceKind kind = TraceKind::kDeliver;
    std::int32_t a = 0;
    std::int32_t b = 0;
    std::uint32_t detail = 0;
    core::Hash256 subject;

    bool operator==(const TraceRecord&) const = default;
    std::string describe() const;
};

class Trace {
  public:
    explicit Trace(bool record);

    // REQUIRES: finish() has not been called.
    void add(const TraceRecord& r);
    std::uint64_t count() const { return count_; }
    // Ends the trace: 64 hex digits that depend on every record, in order. Idempotent.
    const std::string& finish();
    const std::vector<TraceRecord>& records() const { return records_; }

  private:
    bool record_;
    std::uint64_t count_ = 0;
    std::uint64_t lanes_[4];
    std::string digest_;  // set by finish()
    std::vector<TraceRecord> records_;
};

// Index of the first record where the two traces differ (or where one ends); nullopt if
// they are identical.
std::optional<std::size_t> first_divergence(const std::vector<TraceRecord>& a,
                                            const std::vector<TraceRecord>& b);

}  // namespace sim
