// Store: a live node's data dir — one SQLite database, DIR/chain.db, in WAL mode with
// synchronous=FULL, holding every block the node accepted (in arrival order), the
// transactions of its mempool, its peers, and the network it belongs to.
//
// Contract:
//   - Writes are gathered in one SQL transaction until commit(); after commit() returns
//     success they survive a SIGKILL or a power cut. The node answers 201/200 only then.
//   - A commit that fails (disk full, I/O error) loses nothing in memory: the pending writes
//     are kept and written again by the next commit(), so the data dir catches up once
//     space returns.
//   - open() refuses, with a message naming the dir and the problem: a path that is not a
//     directory; a non-empty directory without chain.db; a file that is not a SQLite
//     database or not chainsim's; a corrupt database; a chain.db that exists but holds no
//     tables (an empty or truncated file is never taken for a new node); one written for
//     another network (naming the parameters that differ); one another process has open.
//   - Loading checks every record (decoding, hash) and names the first bad one.
//   - One process at a time (an exclusive lock is held while open). Not thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/block.h"
#include "core/transaction.h"
#include "sim/engine/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace live {

class Store {
  public:
    // Opens or creates DIR/chain.db for the network `network` (NetworkParams::describe()).
    static sim::Expected<std::unique_ptr<Store>> open(const std::string& dir,
                                                      const nlohmann::json& network);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // Start-up reads, in the order things were written.
    [[nodiscard]] sim::Status load_blocks(const std::function<void(const core::BlockRef&)>& fn);
    [[nodiscard]] sim::Status load_transactions(
        const std::function<void(const core::TransactionRef&)>& fn);
    [[nodiscard]] sim::Expected<std::vector<std::string>> load_peers();
    std::optional<std::string> meta(const std::string& key);

    // Writes, pending until commit().
    void put_block(const core::Block& block);
    void put_transaction(const core::Transaction& tx);
    void erase_transaction(const core::Hash256& txid);
    void put_peer(const std::string& url);
    void put_meta(const std::string& key, const std::string& value);

    bool dirty() const { return !pending_.empty(); }
    // Makes every pending write durable. On failure the database is rolled back and the
    // writes stay pending for the next commit().
    [[nodiscard]] sim::Status commit();

    // Caps chain.db at `pages` pages (at least its current size): writes beyond fail as on
    // a full disk. 0 lifts the cap. A deterministic stand-in for a full disk in tests and
    // the soak (docs/reliability.md); returns the cap in force.
    std::uint64_t limit_pages(std::uint64_t pages);

    const std::string& dir() const { return dir_; }
    std::uint64_t commits() const { return commits_; }

  private:
    Store(std::string dir, sqlite3* db);
    sim::Status exec(const char* sql);
    sim::Status init(const nlohmann::json& network, bool existed);
    // One write, kept until it is committed.
    struct Write {
        enum class Kind { kBlock, kTransaction, kEraseTransaction, kPeer, kMeta } kind;
        std::vector<std::uint8_t> key;  // hash or txid
        std::vector<std::uint8_t> data;
        std::string text, value;  // peer URL; meta key and value
    };
    bool begin();
    void add(Write w);
    void apply(const Write& w);
    void write(sqlite3_stmt* statement);
    sim::Status failure(const std::string& what) const;

    std::string dir_;
    sqlite3* db_;
    sqlite3_stmt* put_block_ = nullptr;
    sqlite3_stmt* put_tx_ = nullptr;
    sqlite3_stmt* erase_tx_ = nullptr;
    bool in_transaction_ = false;
    std::vector<Write> pending_;   // since the last successful commit
    bool replay_pending_ = false;  // a commit failed: pending_ is not in the database
    std::string write_error_;  // the first failed write since the last commit
    std::uint64_t commits_ = 0;
};

}  // namespace live
