#include <gtest/gtest.h>

#include "sim/live/api.h"
#include "sim/live/url.h"

namespace live {
namespace {

TEST(PeerUrl, AcceptsHostPortOnly) {
    auto p = parse_peer_url("http://127.0.0.1:5000");
    ASSERT_TRUE(p.url) << p.error;
    EXPECT_EQ(p.url->host, "127.0.0.1");
    EXPECT_EQ(p.url->port, 5000);
    EXPECT_EQ(p.url->str(), "http://127.0.0.1:5000");
    EXPECT_EQ(parse_peer_url("http://node-a.example:80/").url->str(), "http://node-a.example:80");
    EXPECT_EQ(parse_peer_url("http://[::1]:8080").url->str(), "http://[::1]:8080");
}

TEST(PeerUrl, RefusesEverythingElse) {
    for (const char* bad :
         {"", "127.0.0.1:5000", "https://a:1", "http://a", "http://a:", "http://a:0",
          "http://a:65536", "http://a:12x", "http://:80", "http://a:80/chain", "http://a:80?x=1",
          "http://user@a:80", "http://a b:80", "ftp://a:21", "http://[::1:80", "http://a:123456"}) {
        auto p = parse_peer_url(bad);
        EXPECT_FALSE(p.url) << bad;
        EXPECT_NE(p.error.find("expected http://host:port"), std::string::npos) << p.error;
    }
}

TEST(PeerUrl, AddressesMayBeBareHostPort) {
    // dvf/blockchain's register takes "127.0.0.1:5000"; it means http://.
    EXPECT_EQ(parse_peer_address("127.0.0.1:5000").url->str(), "http://127.0.0.1:5000");
    EXPECT_EQ(parse_peer_address("localhost:5001/").url->str(), "http://localhost:5001");
    EXPECT_EQ(parse_peer_address("http://127.0.0.1:5000").url->str(), "http://127.0.0.1:5000");
    EXPECT_EQ(parse_peer_address("[::1]:80").url->netloc(), "[::1]:80");
    EXPECT_EQ(parse_peer_address("127.0.0.1:5000").url->netloc(), "127.0.0.1:5000");
    for (const char* bad : {"", "127.0.0.1", "a:0", "a:80/chain", "user@a:80", "https://a:1",
                            "ftp://a:21", "a b:80"}) {
        auto p = parse_peer_address(bad);
        EXPECT_FALSE(p.url) << bad;
        EXPECT_NE(p.error.find("host:port"), std::string::npos) << p.error;
    }
}

TEST(Api, StatusCodesForRejectReasons) {
    using core::Reject;
    EXPECT_EQ(api::status_for(Reject::kMalformed), 400u);
    EXPECT_EQ(api::status_for(Reject::kBadSignature), 403u);
    EXPECT_EQ(api::status_for(Reject::kHighS), 403u);
    EXPECT_EQ(api::status_for(Reject::kInsufficientFunds), 422u);
    EXPECT_EQ(api::status_for(Reject::kZeroAmount), 422u);
    EXPECT_EQ(api::status_for(Reject::kAmountOverflow), 422u);
    EXPECT_EQ(api::status_for(Reject::kDuplicateTx), 409u);
    EXPECT_EQ(api::status_for(Reject::kReplay), 409u);
    EXPECT_EQ(api::status_for(Reject::kNonceConflict), 409u);
    EXPECT_EQ(api::status_for(Reject::kBadPow), 422u);
    EXPECT_EQ(api::status_for(Reject::kMempoolFull), 503u);
}

TEST(Api, ErrorBodiesAreJsonWithErrorAndMessage) {
    const Response r = api::rejected(
        core::ValidationResult::invalid(core::Reject::kBadSignature, "does not verify"));
    EXPECT_EQ(r.status, 403u);
    const auto j = nlohmann::json::parse(r.body);
    EXPECT_EQ(j["error"], "bad-signature");
    EXPECT_EQ(j["message"], "does not verify");
    // Bytes that are not UTF-8 (echoed from a client) never make the encoder throw.
    const Response e = api::error(404, "not-found", std::string("no route \xff\xfe"));
    EXPECT_TRUE(nlohmann::json::accept(e.body));
}

TEST(Api, ParsesTargets) {
    auto t = api::parse_target("/chain?from=10&limit=5");
    EXPECT_TRUE(t.ok);
    EXPECT_EQ(t.path, "/chain");
    EXPECT_EQ(t.query["from"], "10");
    EXPECT_EQ(t.query["limit"], "5");
    EXPECT_EQ(api::parse_target("/balance/ab%63d").path, "/balance/abcd");
    EXPECT_FALSE(api::parse_target("/x%2").ok);
    EXPECT_FALSE(api::parse_target("/x%zz").ok);
    std::uint64_t v = 0;
    EXPECT_TRUE(api::parse_u64("18446744073709551615", v));
    EXPECT_EQ(v, UINT64_MAX);
    EXPECT_FALSE(api::parse_u64("18446744073709551616", v));
    EXPECT_FALSE(api::parse_u64("-1", v));
    EXPECT_FALSE(api::parse_u64("", v));
}

}  // namespace
}  // namespace live
