// The CSV series of a run, written beside report.json (docs/report.md). Each file has a
// header row; times are exact decimal renderings of the simulator's nanoseconds; an empty
// cell means "no value" (a block that never reached 90% of the nodes, say).
//
//   blocks.csv       hash, parent, height, miner, found_s, main_chain (1/0), txs, reached,
//                    bits (the header's compact target, 0x%08x)
//                    one row per block found: rows = blocks.mined
//   tips.csv         t_s, agreement, distinct_tips, up_nodes, best_height
//                    one row per tip-agreement sample: rows = tip_agreement.samples
//   reorgs.csv       t_s, node, depth, old_tip, new_tip: rows = reorgs.count
//   propagation.csv  block, t50_ms, t90_ms, t100_ms, reached, then t10_ms ... t80_ms (the
//                    other deciles, for the "fraction of nodes vs delay" curve): rows = mined
//   events.csv       t_s, kind, description: the fault timeline (for shading plots)
//   txs.csv          txid, submitted_s, node, intended, result, included_s, confirmed_s,
//                    confirmation_s: one row per submission (only when a workload ran)
#pragma once

#include <string>

#include "core/time.h"
#include "reports/recorder.h"

namespace reports {

struct SeriesOptions {
    bool workload = false;  // write txs.csv
    int confirmations = 1;  // k of txs.csv's confirmed_s (as report.json's confirmation_s)
};

// Writes the series into `dir` (which must exist). Returns an empty string, or a message
// naming the file that could not be written.
std::string write_series(const std::string& dir, const Recorder& recorder,
                         const SeriesOptions& options);

// `t` in units of `unit` (e.g. kSecond), exact, trailing zeros dropped: 1500000 ns in
// milliseconds -> "1.5"; in seconds -> "0.0015".
std::string format_fixed(core::Nanos t, core::Nanos unit);

}  // namespace reports
