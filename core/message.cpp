#include "core/message.h"

namespace core {

namespace {
constexpr std::size_t kEnvelope = 24;
}

std::shared_ptr<const Message> Message::announce(const Hash256& hash, std::uint64_t height,
                                                 const U256& work) {
    auto m = std::make_shared<Message>();
    m->kind = Kind::kAnnounce;
    m->hash = hash;
    m->height = height;
    m->work = work;
    return m;
}

std::shared_ptr<const Message> Message::get_block(const Hash256& hash) {
    auto m = std::make_shared<Message>();
    m->kind = Kind::kGetBlock;
    m->hash = hash;
    return m;
}

std::shared_ptr<const Message> Message::block_message(BlockRef block) {
    auto m = std::make_shared<Message>();
    m->kind = Kind::kBlock;
    m->hash = block->hash();
    m->block = std::move(block);
    return m;
}

std::shared_ptr<const Message> Message::tx_message(TransactionRef tx) {
    auto m = std::make_shared<Message>();
    m->kind = Kind::kTx;
    m->hash = tx->txid();
    m->tx = std::move(tx);
    return m;
}

std::shared_ptr<const Message> Message::txs_message(std::vector<TransactionRef> txs) {
    auto m = std::make_shared<Message>();
    m->kind = Kind::kTxs;
    m->txs = std::move(txs);
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
    }
    return "unknown";
}

}  // namespace core
