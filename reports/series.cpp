#include "reports/series.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unordered_set>

#include "reports/metrics.h"

namespace reports {
namespace {

// One CSV file: header first, then rows. Cells never contain commas, quotes or newlines
// (hashes, numbers, names of reject reasons and fault descriptions without commas are all
// we write; descriptions are quoted defensively).
class CsvFile {
  public:
    CsvFile(const std::filesystem::path& path, const std::string& header)
        : path_(path), out_(path, std::ios::binary | std::ios::trunc) {
        out_ << header << '\n';
    }
    CsvFile& row() {
        first_ = true;
        return *this;
    }
    CsvFile& cell(const std::string& value) {
        if (!first_) out_ << ',';
        first_ = false;
        out_ << value;
        return *this;
    }
    void end() { out_ << '\n'; }
    // Empty on success.
    std::string finish() {
        out_.flush();
        return out_ ? std::string() : path_.string() + ": cannot write";
    }

  private:
    std::filesystem::path path_;
    std::ofstream out_;
    bool first_ = true;
};

std::string quoted(const std::string& text) {
    std::string s = "\"";
    for (char c : text)
        s += c == '"' ? std::string("\"\"") : std::string(1, c);
    return s + "\"";
}

std::string number(double v) {
    char buf[40];
    std::snprintf(buf, sizeof buf, "%.9g", v);
    return buf;
}

std::string ms_cell(const std::optional<core::Nanos>& delay) {
    return delay ? format_fixed(*delay, core::kMillisecond) : std::string();
}

std::string seconds_cell(const std::optional<core::Nanos>& t) {
    return t ? format_fixed(*t, core::kSecond) : std::string();
}

std::string write_blocks(const std::filesystem::path& dir, const Recorder& rec,
                         const std::unordered_set<core::Hash256>& on_main) {
    CsvFile f(dir / "blocks.csv", "hash,parent,height,miner,found_s,main_chain,txs,reached,bits");
    for (const BlockRecord& b : rec.blocks()) {
        char bits[16];
        std::snprintf(bits, sizeof bits, "0x%08x", b.block->header().bits);
        f.row()
            .cell(b.hash.display_hex())
            .cell(b.parent.display_hex())
            .cell(std::to_string(b.height))
            .cell(std::to_string(b.miner))
            .cell(format_fixed(b.found, core::kSecond))
            .cell(on_main.count(b.hash) != 0 ? "1" : "0")
            .cell(std::to_string(b.block->txs().size()))
            .cell(std::to_string(b.delays.size()))
            .cell(bits)
            .end();
    }
    return f.finish();
}

std::string write_propagation(const std::filesystem::path& dir, const Recorder& rec) {
    CsvFile f(dir / "propagation.csv",
              "block,t50_ms,t90_ms,t100_ms,reached,t10_ms,t20_ms,t30_ms,t40_ms,t60_ms,t70_ms,"
              "t80_ms");
    const int n = rec.node_count();
    for (const BlockRecord& b : rec.blocks()) {
        f.row()
            .cell(b.hash.display_hex())
            .cell(ms_cell(propagation_delay(b, n, 0.5)))
            .cell(ms_cell(propagation_delay(b, n, 0.9)))
            .cell(ms_cell(propagation_delay(b, n, 1.0)))
            .cell(std::to_string(b.delays.size()));
        for (int decile : {1, 2, 3, 4, 6, 7, 8})
            f.cell(ms_cell(propagation_delay(b, n, decile / 10.0)));
        f.end();
    }
    return f.finish();
}

std::string write_tips(const std::filesystem::path& dir, const Recorder& rec) {
    CsvFile f(dir / "tips.csv", "t_s,agreement,distinct_tips,up_nodes,best_height");
    for (const TipSample& s : rec.samples()) {
        f.row()
            .cell(format_fixed(s.at, core::kSecond))
            .cell(number(s.agreement))
            .cell(std::to_string(s.distinct_tips))
            .cell(std::to_string(s.up_nodes))
            .cell(std::to_string(s.best_height))
            .end();
    }
    return f.finish();
}

std::string write_reorgs(const std::filesystem::path& dir, const Recorder& rec) {
    CsvFile f(dir / "reorgs.csv", "t_s,node,depth,old_tip,new_tip");
    for (const ReorgRecord& r : rec.reorgs()) {
        f.row()
            .cell(format_fixed(r.at, core::kSecond))
            .cell(std::to_string(r.node))
            .cell(std::to_string(r.depth))
            .cell(r.old_tip.display_hex())
            .cell(r.new_tip.display_hex())
            .end();
    }
    return f.finish();
}

std::string write_events(const std::filesystem::path& dir, const Recorder& rec) {
    CsvFile f(dir / "events.csv", "t_s,kind,description");
    for (const FaultRecord& e : rec.faults()) {
        f.row()
            .cell(format_fixed(e.at, core::kSecond))
            .cell(e.kind)
            .cell(quoted(e.description))
            .end();
    }
    return f.finish();
}

std::string write_txs(const std::filesystem::path& dir, const Recorder& rec,
                      const std::vector<const BlockRecord*>& main, int k) {
    CsvFile f(dir / "txs.csv",
              "txid,submitted_s,node,intended,result,included_s,confirmed_s,confirmation_s");
    const std::vector<TxConfirmation> confirmations = tx_confirmations(rec, main, k);
    for (std::size_t i = 0; i < rec.txs().size(); ++i) {
        const TxRecord& t = rec.txs()[i];
        const TxConfirmation& c = confirmations[i];
        const auto name = [](core::Reject r, const char* none) {
            return r == core::Reject::kNone ? std::string(none) : std::string(core::reject_name(r));
        };
        f.row()
            .cell(t.tx->txid().display_hex())
            .cell(format_fixed(t.submitted, core::kSecond))
            .cell(std::to_string(t.node))
            .cell(name(t.intended, "valid"))
            .cell(name(t.rejected, "accepted"))
            .cell(seconds_cell(c.included))
            .cell(seconds_cell(c.confirmed))
            .cell(c.confirmed ? format_fixed(*c.confirmed - t.submitted, core::kSecond) : "")
            .end();
    }
    return f.finish();
}

}  // namespace

std::string format_fixed(core::Nanos t, core::Nanos unit) {
    const bool negative = t < 0;
    const std::uint64_t magnitude =
        negative ? ~static_cast<std::uint64_t>(t) + 1 : static_cast<std::uint64_t>(t);
    const auto u = static_cast<std::uint64_t>(unit);
    std::string s = std::to_string(magnitude / u);
    if (negative) s.insert(s.begin(), '-');
    std::uint64_t rest = magnitude % u;
    if (rest == 0) return s;
    std::string digits;
    for (std::uint64_t scale = u / 10; scale > 0; scale /= 10) {
        digits += static_cast<char>('0' + rest / scale);
        rest %= scale;
    }
    while (!digits.empty() && digits.back() == '0')
        digits.pop_back();
    return s + "." + digits;
}

std::string write_series(const std::string& dir_name, const Recorder& rec,
                         const SeriesOptions& options) {
    const std::filesystem::path dir(dir_name);
    const std::vector<const BlockRecord*> main = main_chain(rec);
    std::unordered_set<core::Hash256> on_main;
    for (const BlockRecord* b : main)
        on_main.insert(b->hash);

    if (auto e = write_blocks(dir, rec, on_main); !e.empty()) return e;
    if (auto e = write_propagation(dir, rec); !e.empty()) return e;
    if (auto e = write_tips(dir, rec); !e.empty()) return e;
    if (auto e = write_reorgs(dir, rec); !e.empty()) return e;
    if (auto e = write_events(dir, rec); !e.empty()) return e;
    if (options.workload) {
        if (auto e = write_txs(dir, rec, main, std::max(1, options.confirmations)); !e.empty())
            return e;
    }
    return {};
}

}  // namespace reports
