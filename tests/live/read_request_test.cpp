// live::read_request: the server's parser without a socket (what the HTTP fuzz target and
// in-process tests feed), with the server's limits and refusals.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "sim/live/http_server.h"

namespace live {
namespace {

using Outcome = RequestRead::Outcome;

ServerLimits small_limits() {
    ServerLimits l;
    l.max_body = 100;
    l.max_header = 256;
    return l;
}

std::string error_code(const Response& r) {
    return nlohmann::json::parse(r.body)["error"].get<std::string>();
}

TEST(ReadRequest, ReadsOneRequestAndSaysHowManyBytesItTook) {
    const std::string first = "POST /blocks HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}";
    const std::string second = "GET /chain HTTP/1.1\r\nHost: x\r\n\r\n";
    const RequestRead read = read_request(first + second, small_limits());
    ASSERT_EQ(read.outcome, Outcome::kRequest);
    EXPECT_EQ(read.consumed, first.size());
    EXPECT_EQ(read.request.target(), "/blocks");
    EXPECT_EQ(read.request.body(), "{}");
    const RequestRead next = read_request(second, small_limits());
    ASSERT_EQ(next.outcome, Outcome::kRequest);
    EXPECT_EQ(next.request.target(), "/chain");
}

TEST(ReadRequest, DecodesAChunkedBody) {
    const RequestRead read = read_request(
        "POST /blocks HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        "2\r\n{\"\r\n3\r\na\":\r\n2\r\n1}\r\n0\r\n\r\n",
        small_limits());
    ASSERT_EQ(read.outcome, Outcome::kRequest);
    EXPECT_EQ(read.request.body(), "{\"a\":1}");
}

TEST(ReadRequest, BytesThatEndInsideARequestAreIncomplete) {
    EXPECT_EQ(read_request("GET /chain HTTP/1.1\r\nHost:", small_limits()).outcome,
              Outcome::kIncomplete);
    EXPECT_EQ(read_request("POST /blocks HTTP/1.1\r\nContent-Length: 9\r\n\r\n{}", small_limits())
                  .outcome,
              Outcome::kIncomplete);
    EXPECT_EQ(read_request("", small_limits()).outcome, Outcome::kIncomplete);
}

TEST(ReadRequest, RefusesAsTheServerDoes) {
    const RequestRead big = read_request(
        "POST /blocks HTTP/1.1\r\nContent-Length: 101\r\n\r\n", small_limits());
    ASSERT_EQ(big.outcome, Outcome::kRefused);
    EXPECT_EQ(big.refusal.status, 413u);
    EXPECT_EQ(error_code(big.refusal), "payload-too-large");
    EXPECT_TRUE(big.refusal.close);

    const RequestRead chunked_big = read_request(
        "POST /blocks HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n65\r\n" + std::string(101, 'a') +
            "\r\n0\r\n\r\n",
        small_limits());
    ASSERT_EQ(chunked_big.outcome, Outcome::kRefused);
    EXPECT_EQ(chunked_big.refusal.status, 413u);

    const RequestRead long_header = read_request(
        "GET / HTTP/1.1\r\nX-Long: " + std::string(300, 'a') + "\r\n\r\n", small_limits());
    ASSERT_EQ(long_header.outcome, Outcome::kRefused);
    EXPECT_EQ(long_header.refusal.status, 431u);
    EXPECT_EQ(error_code(long_header.refusal), "headers-too-large");

    const RequestRead garbage = read_request("HELLO\r\n\r\n", small_limits());
    ASSERT_EQ(garbage.outcome, Outcome::kRefused);
    EXPECT_EQ(garbage.refusal.status, 400u);
    EXPECT_EQ(error_code(garbage.refusal), "bad-request");
}

}  // namespace
}  // namespace live
