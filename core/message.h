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
    };

    Kind kind = Kind::kAnnounce;
    Hash256 hash;                     // kAnnounce, kGetBlock
    std::uint64_t height = 0;         // kAnnounce
    U256 work;                        // kAnnounce
    BlockRef block;                   // kBlock
    TransactionRef tx;                // kTx
    std::vector<TransactionRef> txs;  // kTxs

    static std::shared_ptr<const Message> announce(const Hash256& hash, std::uint64_t height,
                                                   const U256& work);
    static std::shared_ptr<const Message> get_block(const Hash256& hash);
    static std::shared_ptr<const Message> block_message(BlockRef block);
    static std::shared_ptr<const Message> tx_message(TransactionRef tx);
    static std::shared_ptr<const Message> txs_message(std::vector<TransactionRef> txs);

    // Bytes on the wire, for bandwidth: a 24-byte envelope (as Bitcoin's message header)
    // plus the payload.
    std::size_t wire_size() const;
};

using MessagePtr = std::shared_ptr<const Message>;

const char* message_kind_name(Message::Kind kind);

}  // namespace core
