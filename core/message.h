// The messages nodes exchange (docs/design.md §6). Immutable and shared: one message object
// relayed to many peers is one allocation.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/block.h"
#include "core/hash.h"
#include "core/transaction.h"
#include "core/uint256.h"

namespace core {

struct Message {
    enum class Kind : std::uint8_t {
        kAnnounce,  // "I have block `hash` at `height` with cumulative `work`"; also the tip
                    // exchange on (re)connect
        kGetBlock,  // "send me block `hash`"
        kBlock,     // a block (`block`)
        kTx,        // a transaction (`tx`)
        kTxs,       // several transactions (`txs`): the pending pool sent on (re)connect
        // BIP152 compact relay (docs/relay.md):
        kSendCompact,   // sendcmpct: "announce new blocks to me as compact blocks" when
                        // `high_bandwidth`, else "announce them to me by announce"
        kGetCompact,    // getdata MSG_CMPCT_BLOCK: "send me block `hash` as a compact block"
        kCompactBlock,  // cmpctblock: `header`, `nonce`, `short_ids`, the coinbase prefilled in
                        // `txs`, and `padding_txs` virtual transactions (simulated padding)
        kGetBlockTxn,   // getblocktxn: "send me block `hash`'s transactions at `indexes`" plus
                        // `padding_txs` of its padding
        kBlockTxn,      // blocktxn: those transactions (`txs`), plus `padding_txs` virtual ones
                        // of `padding_tx_bytes` each
    };

    Kind kind = Kind::kAnnounce;
    Hash256 hash;                     // kAnnounce, kGetBlock
    std::uint64_t height = 0;         // kAnnounce
    U256 work;                        // kAnnounce
    BlockRef block;                   // kBlock
    TransactionRef tx;                // kTx
    std::vector<TransactionRef> txs;  // kTxs; kCompactBlock: prefilled; kBlockTxn
    bool high_bandwidth = false;      // kSendCompact
    BlockHeader header;               // kCompactBlock
    std::uint64_t nonce = 0;          // kCompactBlock: salts the short ids
    std::vector<std::uint64_t> short_ids;  // kCompactBlock: of the block's txs after the coinbase
    std::vector<std::uint32_t> indexes;    // kGetBlockTxn: ascending block positions
    std::uint64_t padding_txs = 0;         // kCompactBlock, kGetBlockTxn, kBlockTxn
    std::uint32_t padding_tx_bytes = 0;    // kCompactBlock, kBlockTxn: bytes per padding tx

    static std::shared_ptr<const Message> announce(const Hash256& hash, std::uint64_t height,
                                                   const U256& work);
    static std::shared_ptr<const Message> get_block(const Hash256& hash);
    static std::shared_ptr<const Message> block_message(BlockRef block);
    static std::shared_ptr<const Message> tx_message(TransactionRef tx);
    static std::shared_ptr<const Message> txs_message(std::vector<TransactionRef> txs);
    static std::shared_ptr<const Message> send_compact(bool high_bandwidth);
    static std::shared_ptr<const Message> get_compact(const Hash256& hash);
    // The compact form of `block`: the coinbase prefilled, a short id (salted by `nonce`) for
    // every other transaction, and `padding_txs` virtual transactions of `padding_tx_bytes`.
    static std::shared_ptr<const Message> compact_block(const Block& block, std::uint64_t nonce,
                                                        std::uint64_t padding_txs,
                                                        std::uint32_t padding_tx_bytes);
    static std::shared_ptr<const Message> get_block_txn(const Hash256& hash,
                                                        std::vector<std::uint32_t> indexes,
                                                        std::uint64_t padding_txs);
    static std::shared_ptr<const Message> block_txn(const Hash256& hash,
                                                    std::vector<TransactionRef> txs,
                                                    std::uint64_t padding_txs,
                                                    std::uint32_t padding_tx_bytes);

    // Bytes on the wire, for bandwidth: a 24-byte envelope (as Bitcoin's message header)
    // plus the payload. Compact messages count as BIP152 encodes them (compact sizes, 6-byte
    // short ids, differentially encoded indexes), padding included.
    std::size_t wire_size() const;
};

using MessagePtr = std::shared_ptr<const Message>;

const char* message_kind_name(Message::Kind kind);

}  // namespace core
