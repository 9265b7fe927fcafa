#include "core/message.h"

#include <cstddef>
#include <new>

#include "core/compact.h"

namespace core {

namespace {
constexpr std::size_t kEnvelope = 24;

#if defined(__SANITIZE_ADDRESS__)
#define CHAINSIM_MESSAGE_POOL 0  // AddressSanitizer sees every message's own allocation
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CHAINSIM_MESSAGE_POOL 0
#endif
#endif
#ifndef CHAINSIM_MESSAGE_POOL
#define CHAINSIM_MESSAGE_POOL 1
#endif

// Messages are made and dropped by the hundred thousand per simulated block (an announce per
// relay, a request per fetch), in bursts that overflow the allocator's small per-thread cache.
// Each thread keeps the blocks of one size (a message with its shared_ptr control block) on a
// free list of its own, up to kMaxFree of them; other sizes, and the rest, go to the heap. A
// block freed on another thread than it was made on simply joins that thread's list.
// Once a thread's pool is gone (thread exit), what that thread frees goes to the heap.
#if CHAINSIM_MESSAGE_POOL
thread_local bool pool_gone = false;  // trivially destructible: readable to the very end

class MessagePool {
  public:
    ~MessagePool() {
        pool_gone = true;
        while (head_ != nullptr) {
            Free* next = head_->next;
            ::operator delete(head_);
            head_ = next;
        }
    }
    void* get(std::size_t size) {
        if (size_ == 0) size_ = size;
        if (size != size_ || head_ == nullptr) return ::operator new(size);
        Free* block = head_;
        head_ = block->next;
        --free_;
        return block;
    }
    void put(void* p, std::size_t size) {
        if (size != size_ || free_ >= kMaxFree) {
            ::operator delete(p);
            return;
        }
        head_ = new (p) Free{head_};
        ++free_;
    }

  private:
    struct Free {
        Free* next;
    };
    static constexpr std::size_t kMaxFree = std::size_t{1} << 16;
    Free* head_ = nullptr;
    std::size_t size_ = 0;  // the pooled size: the first asked for
    std::size_t free_ = 0;
};

thread_local MessagePool pool;
#endif  // CHAINSIM_MESSAGE_POOL

template <class T>
struct PoolAllocator {
    using value_type = T;
    PoolAllocator() = default;
    template <class U>
    PoolAllocator(const PoolAllocator<U>&) {}
    T* allocate(std::size_t n) {
#if CHAINSIM_MESSAGE_POOL
        if (!pool_gone) return static_cast<T*>(pool.get(n * sizeof(T)));
#endif
        return static_cast<T*>(::operator new(n * sizeof(T)));
    }
    void deallocate(T* p, std::size_t n) {
#if CHAINSIM_MESSAGE_POOL
        if (!pool_gone) {
            pool.put(p, n * sizeof(T));
            return;
        }
#endif
        (void)n;
        ::operator delete(p);
    }
    template <class U>
    bool operator==(const PoolAllocator<U>&) const {
        return true;
    }
};

std::shared_ptr<Message> make_message() {
    return std::allocate_shared<Message>(PoolAllocator<Message>{});
}

// Bitcoin's CompactSize length prefix.
std::size_t compact_size(std::uint64_t n) {
    if (n < 253) return 1;
    if (n <= 0xffff) return 3;
    if (n <= 0xffffffffULL) return 5;
    return 9;
}
}  // namespace

std::shared_ptr<const Message> Message::announce(const Hash256& hash, std::uint64_t height,
                                                 const U256& work) {
    auto m = make_message();
    m->kind = Kind::kAnnounce;
    m->hash = hash;
    m->height = height;
    m->work = work;
    return m;
}

std::shared_ptr<const Message> Message::get_block(const Hash256& hash) {
    auto m = make_message();
    m->kind = Kind::kGetBlock;
    m->hash = hash;
    return m;
}

std::shared_ptr<const Message> Message::block_message(BlockRef block) {
    auto m = make_message();
    m->kind = Kind::kBlock;
    m->hash = block->hash();
    m->block = std::move(block);
    return m;
}

std::shared_ptr<const Message> Message::tx_message(TransactionRef tx) {
    auto m = make_message();
    m->kind = Kind::kTx;
    m->hash = tx->txid();
    m->tx = std::move(tx);
    return m;
}

std::shared_ptr<const Message> Message::txs_message(std::vector<TransactionRef> txs) {
    auto m = make_message();
    m->kind = Kind::kTxs;
    m->txs = std::move(txs);
    return m;
}

std::shared_ptr<const Message> Message::send_compact(bool high_bandwidth) {
    auto m = make_message();
    m->kind = Kind::kSendCompact;
    m->high_bandwidth = high_bandwidth;
    return m;
}

std::shared_ptr<const Message> Message::get_compact(const Hash256& hash) {
    auto m = make_message();
    m->kind = Kind::kGetCompact;
    m->hash = hash;
    return m;
}

std::shared_ptr<const Message> Message::compact_block(const Block& block, std::uint64_t nonce,
                                                      std::uint64_t padding_txs,
                                                      std::uint32_t padding_tx_bytes) {
    auto m = make_message();
    m->kind = Kind::kCompactBlock;
    m->hash = block.hash();
    m->header = block.header();
    m->nonce = nonce;
    const ShortIdKey key = short_id_key(block.header(), nonce);
    const std::vector<TransactionRef>& txs = block.txs();
    if (!txs.empty()) m->txs.push_back(txs[0]);  // the coinbase, which no mempool holds
    m->short_ids.reserve(txs.size() > 0 ? txs.size() - 1 : 0);
    for (std::size_t i = 1; i < txs.size(); ++i)
        m->short_ids.push_back(short_id(key, txs[i]->txid()));
    m->padding_txs = padding_txs;
    m->padding_tx_bytes = padding_tx_bytes;
    return m;
}

std::shared_ptr<const Message> Message::get_block_txn(const Hash256& hash,
                                                      std::vector<std::uint32_t> indexes,
                                                      std::uint64_t padding_txs) {
    auto m = make_message();
    m->kind = Kind::kGetBlockTxn;
    m->hash = hash;
    m->indexes = std::move(indexes);
    m->padding_txs = padding_txs;
    return m;
}

std::shared_ptr<const Message> Message::block_txn(const Hash256& hash,
                                                  std::vector<TransactionRef> txs,
                                                  std::uint64_t padding_txs,
                                                  std::uint32_t padding_tx_bytes) {
    auto m = make_message();
    m->kind = Kind::kBlockTxn;
    m->hash = hash;
    m->txs = std::move(txs);
    m->padding_txs = padding_txs;
    m->padding_tx_bytes = padding_tx_bytes;
    return m;
}

std::size_t Message::wire_size() const {
    switch (kind) {
        case Kind::kAnnounce:
            return kEnvelope + 32 + 8 + 32;
        case Kind::kGetBlock:
            return kEnvelope + 32;
        case Kind::kBlock:
            return kEnvelope + block->serialized_size();
        case Kind::kTx:
            return kEnvelope + tx->serialized_size();
        case Kind::kTxs: {
            std::size_t size = kEnvelope + 4;
            for (const auto& t : txs)
                size += t->serialized_size();
            return size;
        }
        case Kind::kSendCompact:
            return kEnvelope + 1 + 8;  // announce flag, version
        case Kind::kGetCompact:
            return kEnvelope + 32;
        case Kind::kCompactBlock: {
            const std::uint64_t ids = short_ids.size() + padding_txs;
            std::size_t size = kEnvelope + BlockHeader::kSize + 8 + compact_size(ids) + 6 * ids +
                               compact_size(txs.size());
            for (const auto& t : txs)
                size += 1 + t->serialized_size();  // differential index, then the tx
            return size;
        }
        case Kind::kGetBlockTxn: {
            // Differential indexes: one CompactSize each (padding gaps counted as one byte).
            std::size_t size = kEnvelope + 32 + compact_size(indexes.size() + padding_txs) +
                               static_cast<std::size_t>(padding_txs);
            std::uint32_t previous = 0;
            for (std::size_t i = 0; i < indexes.size(); ++i) {
                size += compact_size(i == 0 ? indexes[i] : indexes[i] - previous - 1);
                previous = indexes[i];
            }
            return size;
        }
        case Kind::kBlockTxn: {
            std::size_t size = kEnvelope + 32 + compact_size(txs.size() + padding_txs) +
                               static_cast<std::size_t>(padding_txs) * padding_tx_bytes;
            for (const auto& t : txs)
                size += t->serialized_size();
            return size;
        }
    }
    return kEnvelope;
}

const char* message_kind_name(Message::Kind kind) {
    switch (kind) {
        case Message::Kind::kAnnounce:
            return "announce";
        case Message::Kind::kGetBlock:
            return "get-block";
        case Message::Kind::kBlock:
            return "block";
        case Message::Kind::kTx:
            return "tx";
        case Message::Kind::kTxs:
            return "txs";
        case Message::Kind::kSendCompact:
            return "sendcmpct";
        case Message::Kind::kGetCompact:
            return "get-compact";
        case Message::Kind::kCompactBlock:
            return "cmpctblock";
        case Message::Kind::kGetBlockTxn:
            return "getblocktxn";
        case Message::Kind::kBlockTxn:
            return "blocktxn";
    }
    return "unknown";
}

}  // namespace core
