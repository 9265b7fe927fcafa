#include "sim/live/store.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <system_error>

#include "core/codec.h"

namespace live {
namespace {

constexpr const char* kFormat = "chainsim-live/1";
constexpr const char* kDatabase = "chain.db";

// A prepared statement for one-off queries, finalized on scope exit.
class Query {
  public:
    Query(sqlite3* db, const char* sql) { rc_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr); }
    ~Query() { sqlite3_finalize(stmt_); }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;
    bool ok() const { return rc_ == SQLITE_OK; }
    sqlite3_stmt* get() const { return stmt_; }

  private:
    sqlite3_stmt* stmt_ = nullptr;
    int rc_ = SQLITE_OK;
};

std::string column_text(sqlite3_stmt* s, int i) {
    const unsigned char* t = sqlite3_column_text(s, i);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<std::size_t>(sqlite3_column_bytes(s, i)))
             : std::string();
}

std::span<const std::uint8_t> column_blob(sqlite3_stmt* s, int i) {
    const void* p = sqlite3_column_blob(s, i);
    const int n = sqlite3_column_bytes(s, i);
    if (p == nullptr || n <= 0) return {};
    return {static_cast<const std::uint8_t*>(p), static_cast<std::size_t>(n)};
}

std::string value_text(const nlohmann::json& v) {
    return v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace

Store::Store(std::string dir, sqlite3* db) : dir_(std::move(dir)), db_(db) {}

Store::~Store() {
    if (dirty()) (void)commit();
    sqlite3_finalize(put_block_);
    sqlite3_finalize(put_tx_);
    sqlite3_finalize(erase_tx_);
    sqlite3_close_v2(db_);
}

sim::Status Store::failure(const std::string& what) const {
    const int code = sqlite3_extended_errcode(db_);
    std::string why = sqlite3_errmsg(db_);
    if ((code & 0xff) == SQLITE_BUSY || (code & 0xff) == SQLITE_LOCKED) {
        why += " (another chainsim process has this data dir open)";
    } else if ((code & 0xff) == SQLITE_NOTADB) {
        why += " (" + std::string(kDatabase) + " is not a SQLite database)";
    } else if ((code & 0xff) == SQLITE_CORRUPT) {
        why += " (the database is corrupt)";
    }
    return sim::Error{"data dir " + dir_ + ": " + what + ": " + why};
}

sim::Status Store::exec(const char* sql) {
    char* message = nullptr;
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) return failure(std::string("'") + sql + "' failed");
    return sim::Status::success();
}

sim::Expected<std::unique_ptr<Store>> Store::open(const std::string& dir,
                                                  const nlohmann::json& network) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path root(dir);
    if (fs::exists(root, ec) && !fs::is_directory(root, ec)) {
        return sim::Error{"data dir " + dir + ": exists and is not a directory"};
    }
    const fs::path file = root / kDatabase;
    if (fs::is_directory(root, ec) && !fs::exists(file, ec) && !fs::is_empty(root, ec)) {
        return sim::Error{"data dir " + dir + ": not empty and holds no " + kDatabase +
                          ": not a chainsim data dir (use an empty or new directory)"};
    }
    const bool existed = fs::exists(file, ec);
    if (existed && fs::file_size(file, ec) == 0 && !ec) {
        const fs::path wal = file.string() + "-wal";
        if (!fs::exists(wal, ec) || fs::file_size(wal, ec) == 0) {
            // Refused before SQLite writes a header into it, so it is left as found.
            return sim::Error{"data dir " + dir + ": " + kDatabase +
                              " is an empty file (0 bytes): it holds no chainsim data; "
                              "refusing to start as a new node (move it away to start afresh)"};
        }
    }
    fs::create_directories(root, ec);
    if (ec) return sim::Error{"data dir " + dir + ": cannot create: " + ec.message()};

    sqlite3* db = nullptr;
    const int rc =
        sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
    if (rc != SQLITE_OK) {
        std::string why = db ? sqlite3_errmsg(db) : "out of memory";
        sqlite3_close_v2(db);
        return sim::Error{"data dir " + dir + ": cannot open " + kDatabase + ": " + why};
    }
    std::unique_ptr<Store> store(new Store(dir, db));
    sim::Status s = store->init(network, existed);
    if (!s.ok()) return sim::Error{s.error()};
    return store;
}

sim::Status Store::init(const nlohmann::json& network, bool existed) {
    sqlite3_busy_timeout(db_, 200);
    sqlite3_extended_result_codes(db_, 1);
    // Exclusive locking first: in WAL mode it also keeps the index in process memory, and
    // the first write below takes the lock for as long as the node runs.
    sim::Status s = exec("PRAGMA locking_mode=EXCLUSIVE");
    if (!s.ok()) return s;
    {
        Query q(db_, "PRAGMA journal_mode=WAL");
        if (!q.ok() || sqlite3_step(q.get()) != SQLITE_ROW) return failure("cannot read");
        if (column_text(q.get(), 0) != "wal") return failure("cannot switch to WAL mode");
    }
    if (!(s = exec("PRAGMA synchronous=FULL")).ok()) return s;
    if (!(s = exec("BEGIN IMMEDIATE")).ok()) return s;
    in_transaction_ = true;
    auto rollback = [this](sim::Status st) {
        in_transaction_ = false;
        write_error_.clear();
        pending_.clear();
        (void)exec("ROLLBACK");
        return st;
    };
    {
        Query q(db_, "PRAGMA quick_check");
        if (!q.ok() || sqlite3_step(q.get()) != SQLITE_ROW) {
            return rollback(failure("integrity check failed"));
        }
        const std::string verdict = column_text(q.get(), 0);
        if (verdict != "ok") {
            return rollback(
                sim::Error{"data dir " + dir_ + ": the database is corrupt: " + verdict});
        }
    }
    bool has_tables = false, has_meta = false;
    {
        Query q(db_, "SELECT name FROM sqlite_master WHERE type='table'");
        if (!q.ok()) return rollback(failure("cannot read the schema"));
        int rc;
        while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
            has_tables = true;
            has_meta = has_meta || column_text(q.get(), 0) == "meta";
        }
        if (rc != SQLITE_DONE) return rollback(failure("cannot read the schema"));
    }
    if (has_tables && !has_meta) {
        return rollback(sim::Error{"data dir " + dir_ + ": " + kDatabase +
                                   " is a SQLite database but not chainsim's (no meta table)"});
    }
    if (!has_tables && existed) {
        // An empty or truncated file is not a new node: starting afresh would silently
        // forget whatever it held.
        return rollback(sim::Error{"data dir " + dir_ + ": " + kDatabase +
                                   " exists but holds no chainsim data (an empty or truncated "
                                   "file); refusing to start as a new node (move it away to "
                                   "start afresh)"});
    }
    if (!has_tables) {
        for (const char* sql : {
                 "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL)",
                 "CREATE TABLE blocks(seq INTEGER PRIMARY KEY AUTOINCREMENT, hash BLOB NOT NULL "
                 "UNIQUE, data BLOB NOT NULL)",
                 "CREATE TABLE mempool(seq INTEGER PRIMARY KEY AUTOINCREMENT, txid BLOB NOT NULL "
                 "UNIQUE, data BLOB NOT NULL)",
                 "CREATE TABLE peers(url TEXT PRIMARY KEY)",
             }) {
            if (!(s = exec(sql)).ok()) return rollback(s);
        }
    }
    const auto format = meta("format");
    if (!format) {
        if (has_tables) {
            return rollback(sim::Error{"data dir " + dir_ +
                                       ": the database has no format record (not chainsim's)"});
        }
        put_meta("format", kFormat);
        put_meta("network", value_text(network));
        if (!write_error_.empty()) return rollback(sim::Error{write_error_});
    } else {
        if (*format != kFormat) {
            return rollback(sim::Error{"data dir " + dir_ + ": written in format '" + *format +
                                       "', this chainsim reads '" + kFormat + "'"});
        }
        const auto stored_text = meta("network").value_or("{}");
        const auto stored = nlohmann::json::parse(stored_text, nullptr, false);
        if (stored.is_discarded() || !stored.is_object()) {
            return rollback(
                sim::Error{"data dir " + dir_ + ": the network record is not valid JSON"});
        }
        if (stored != network) {
            std::string diff;
            for (auto it = network.begin(); it != network.end(); ++it) {
                const auto other = stored.find(it.key());
                if (other == stored.end() || *other != it.value()) {
                    if (!diff.empty()) diff += ", ";
                    diff += it.key() + " " +
                            (other == stored.end() ? std::string("missing") : value_text(*other)) +
                            " there vs " + value_text(it.value()) + " here";
                }
            }
            return rollback(sim::Error{"data dir " + dir_ + " belongs to a different network (" +
                                       diff + "); use another --data dir or the same parameters"});
        }
    }
    if (!(s = commit()).ok()) return s;

    if (sqlite3_prepare_v2(db_, "INSERT OR IGNORE INTO blocks(hash, data) VALUES(?, ?)", -1,
                           &put_block_, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db_, "INSERT OR IGNORE INTO mempool(txid, data) VALUES(?, ?)", -1,
                           &put_tx_, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db_, "DELETE FROM mempool WHERE txid = ?", -1, &erase_tx_, nullptr) !=
            SQLITE_OK) {
        return failure("cannot prepare statements");
    }
    return sim::Status::success();
}

std::optional<std::string> Store::meta(const std::string& key) {
    Query q(db_, "SELECT value FROM meta WHERE key = ?");
    if (!q.ok()) return std::nullopt;
    sqlite3_bind_text(q.get(), 1, key.c_str(), -1, SQLITE_TRANSIENT);
    if (sqlite3_step(q.get()) != SQLITE_ROW) return std::nullopt;
    return column_text(q.get(), 0);
}

bool Store::begin() {
    if (in_transaction_) {
        if (sqlite3_get_autocommit(db_) == 0) return true;
        // SQLite rolled the transaction back by itself (it may on SQLITE_FULL or an I/O
        // error): none of pending_ is in the database now, and a write made now would
        // commit on its own, ahead of the earlier ones (a child block before its parent).
        in_transaction_ = false;
        replay_pending_ = true;
        if (write_error_.empty())
            write_error_ = failure("the write transaction was rolled back").error();
        return false;
    }
    if (sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
        if (write_error_.empty()) write_error_ = failure("cannot begin a write").error();
        return false;
    }
    in_transaction_ = true;
    return true;
}

void Store::write(sqlite3_stmt* statement) {
    const int rc = sqlite3_step(statement);
    if (rc != SQLITE_DONE && write_error_.empty()) write_error_ = failure("write failed").error();
    sqlite3_reset(statement);
    sqlite3_clear_bindings(statement);
}

void Store::add(Write w) {
    // After a failed commit the database holds none of pending_: the next commit writes
    // all of it again, in order.
    // After a failed write the transaction is doomed: nothing more goes in until commit()
    // rolls it back and writes everything again.
    if (!replay_pending_ && write_error_.empty() && begin()) apply(w);
    pending_.push_back(std::move(w));
}

void Store::apply(const Write& w) {
    sqlite3_stmt* statement = nullptr;
    std::unique_ptr<Query> query;
    switch (w.kind) {
        case Write::Kind::kBlock:
        case Write::Kind::kTransaction:
            statement = w.kind == Write::Kind::kBlock ? put_block_ : put_tx_;
            sqlite3_bind_blob(statement, 1, w.key.data(), static_cast<int>(w.key.size()),
                              SQLITE_TRANSIENT);
            sqlite3_bind_blob(statement, 2, w.data.data(), static_cast<int>(w.data.size()),
                              SQLITE_TRANSIENT);
            break;
        case Write::Kind::kEraseTransaction:
            statement = erase_tx_;
            sqlite3_bind_blob(statement, 1, w.key.data(), static_cast<int>(w.key.size()),
                              SQLITE_TRANSIENT);
            break;
        case Write::Kind::kPeer:
            query = std::make_unique<Query>(db_, "INSERT OR IGNORE INTO peers(url) VALUES(?)");
            if (query->ok()) {
                statement = query->get();
                sqlite3_bind_text(statement, 1, w.text.c_str(), -1, SQLITE_TRANSIENT);
            }
            break;
        case Write::Kind::kMeta:
            query = std::make_unique<Query>(db_,
                                            "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)");
            if (query->ok()) {
                statement = query->get();
                sqlite3_bind_text(statement, 1, w.text.c_str(), -1, SQLITE_TRANSIENT);
                sqlite3_bind_text(statement, 2, w.value.c_str(), -1, SQLITE_TRANSIENT);
            }
            break;
    }
    if (statement == nullptr) {
        if (write_error_.empty()) write_error_ = failure("write failed").error();
        return;
    }
    write(statement);
}

void Store::put_block(const core::Block& block) {
    add(Write{Write::Kind::kBlock,
              std::vector<std::uint8_t>(block.hash().bytes.begin(), block.hash().bytes.end()),
              block.serialize(),
              {},
              {}});
}

void Store::put_transaction(const core::Transaction& tx) {
    add(Write{Write::Kind::kTransaction,
              std::vector<std::uint8_t>(tx.txid().bytes.begin(), tx.txid().bytes.end()),
              tx.serialize(),
              {},
              {}});
}

void Store::erase_transaction(const core::Hash256& txid) {
    add(Write{Write::Kind::kEraseTransaction,
              std::vector<std::uint8_t>(txid.bytes.begin(), txid.bytes.end()),
              {},
              {},
              {}});
}

void Store::put_peer(const std::string& url) {
    add(Write{Write::Kind::kPeer, {}, {}, url, {}});
}

void Store::put_meta(const std::string& key, const std::string& value) {
    add(Write{Write::Kind::kMeta, {}, {}, key, value});
}

sim::Status Store::commit() {
    if (pending_.empty() && !in_transaction_) return sim::Status::success();
    if (replay_pending_) {
        for (const Write& w : pending_) {
            if (!write_error_.empty() || !begin()) break;
            apply(w);
        }
    }
    auto failed = [this](sim::Status s) {
        if (in_transaction_) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        in_transaction_ = false;
        write_error_.clear();
        replay_pending_ = true;
        return s;
    };
    if (!write_error_.empty()) return failed(sim::Error{write_error_});
    if (sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK) {
        return failed(failure("commit failed"));
    }
    in_transaction_ = false;
    replay_pending_ = false;
    pending_.clear();
    ++commits_;
    return sim::Status::success();
}

std::uint64_t Store::limit_pages(std::uint64_t pages) {
    const std::string sql = "PRAGMA max_page_count=" +
                            std::to_string(pages == 0 ? std::uint64_t{4294967294} : pages);
    Query q(db_, sql.c_str());
    if (!q.ok() || sqlite3_step(q.get()) != SQLITE_ROW) return 0;
    return static_cast<std::uint64_t>(sqlite3_column_int64(q.get(), 0));
}

sim::Status Store::load_blocks(const std::function<void(const core::BlockRef&)>& fn) {
    Query q(db_, "SELECT seq, hash, data FROM blocks ORDER BY seq");
    if (!q.ok()) return failure("cannot read blocks");
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
        const std::string where =
            "block record " + std::to_string(sqlite3_column_int64(q.get(), 0));
        const auto hash = column_blob(q.get(), 1);
        core::BlockRef block;
        core::ValidationResult r = core::block_from_bytes(column_blob(q.get(), 2), block);
        if (!r.ok())
            return sim::Error{"data dir " + dir_ + ": " + where + " is corrupt: " + r.message};
        if (hash.size() != 32 ||
            !std::equal(hash.begin(), hash.end(), block->hash().bytes.begin())) {
            return sim::Error{"data dir " + dir_ + ": " + where +
                              " is corrupt: its data does not hash to its key"};
        }
        fn(block);
    }
    if (rc != SQLITE_DONE) return failure("cannot read blocks");
    return sim::Status::success();
}

sim::Status Store::load_transactions(const std::function<void(const core::TransactionRef&)>& fn) {
    Query q(db_, "SELECT seq, txid, data FROM mempool ORDER BY seq");
    if (!q.ok()) return failure("cannot read the mempool");
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW) {
        const std::string where =
            "mempool record " + std::to_string(sqlite3_column_int64(q.get(), 0));
        const auto txid = column_blob(q.get(), 1);
        core::TransactionRef tx;
        core::ValidationResult r = core::tx_from_bytes(column_blob(q.get(), 2), tx);
        if (!r.ok())
            return sim::Error{"data dir " + dir_ + ": " + where + " is corrupt: " + r.message};
        if (txid.size() != 32 || !std::equal(txid.begin(), txid.end(), tx->txid().bytes.begin())) {
            return sim::Error{"data dir " + dir_ + ": " + where +
                              " is corrupt: its data does not hash to its key"};
        }
        fn(tx);
    }
    if (rc != SQLITE_DONE) return failure("cannot read the mempool");
    return sim::Status::success();
}

sim::Expected<std::vector<std::string>> Store::load_peers() {
    Query q(db_, "SELECT url FROM peers ORDER BY url");
    if (!q.ok()) return sim::Error{failure("cannot read peers").error()};
    std::vector<std::string> peers;
    int rc;
    while ((rc = sqlite3_step(q.get())) == SQLITE_ROW)
        peers.push_back(column_text(q.get(), 0));
    if (rc != SQLITE_DONE) return sim::Error{failure("cannot read peers").error()};
    return peers;
}

}  // namespace live
