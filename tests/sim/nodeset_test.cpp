#include "sim/scenario/nodeset.h"

#include <gtest/gtest.h>

namespace sim {
namespace {

std::vector<int> nodes(std::string_view text, int count = 100) {
    auto result = parse_node_set(text, count);
    EXPECT_TRUE(result.ok()) << text << ": " << result.error;
    return result.nodes;
}

std::string error(std::string_view text, int count = 100) {
    auto result = parse_node_set(text, count);
    EXPECT_FALSE(result.ok()) << text << " parsed";
    return result.error;
}

TEST(NodeSet, SingleNodesRangesAndLists) {
    EXPECT_EQ(nodes("3"), std::vector<int>({3}));
    EXPECT_EQ(nodes("0-4"), std::vector<int>({0, 1, 2, 3, 4}));
    EXPECT_EQ(nodes("7-7"), std::vector<int>({7}));
    EXPECT_EQ(nodes("0-2,20,30-32"), std::vector<int>({0, 1, 2, 20, 30, 31, 32}));
    EXPECT_EQ(nodes(" 1 , 5 - 6 "), std::vector<int>({1, 5, 6}));
}

TEST(NodeSet, ResultIsSortedAndUnique) {
    EXPECT_EQ(nodes("9,1-3,2,1"), std::vector<int>({1, 2, 3, 9}));
}

TEST(NodeSet, AllMeansEveryNode) {
    EXPECT_EQ(nodes("all", 4), std::vector<int>({0, 1, 2, 3}));
    EXPECT_EQ(nodes("all", 100000).size(), 100000u);
}

TEST(NodeSet, OutOfRangeNamesTheValidRange) {
    EXPECT_EQ(error("100"), "node 100 is out of range; this scenario has 100 nodes: 0-99");
    EXPECT_EQ(error("0-9,90-120"),
              "range \"90-120\" in node set \"0-9,90-120\" goes beyond the last node; this "
              "scenario has 100 nodes: 0-99");
    EXPECT_EQ(error("1", 1), "node 1 is out of range; this scenario has 1 node: 0");
    EXPECT_EQ(error("99999999999999999999999"),
              "node 99999999999999999999999 is out of range; this scenario has 100 nodes: 0-99");
}

TEST(NodeSet, ReversedRangeSuggestsTheFix) {
    EXPECT_EQ(error("9-3"), R"(reversed range "9-3"; write "3-9")");
    EXPECT_EQ(error("1,9-3"), R"(reversed range "9-3" in node set "1,9-3"; write "3-9")");
}

TEST(NodeSet, JunkIsRejectedWithTheExpectedForms) {
    const std::string expected =
        R"(expected a node set such as "3", "0-49", "0-9,20,30-39" or "all", got )";
    EXPECT_EQ(error("x"), expected + "\"x\"");
    EXPECT_EQ(error(""), expected + "\"\"");
    EXPECT_EQ(error("-1"), expected + "-1");
    EXPECT_EQ(error("1,,2"), expected + "\"1,,2\" (an empty item)");
    EXPECT_EQ(error("1,"), expected + "\"1,\" (an empty item)");
    EXPECT_EQ(error("all,3"), expected + "\"all,3\" (\"all\" cannot be combined with other items)");
    EXPECT_EQ(error("1,two"), expected + "\"1,two\" (\"two\" is not a node or range)");
    error("1-2-3");
    error("1.5");
    error("ALL");
}

TEST(NodeSet, FormatCompressesRuns) {
    EXPECT_EQ(format_node_set({}), "");
    EXPECT_EQ(format_node_set({4}), "4");
    EXPECT_EQ(format_node_set({0, 1, 2, 5, 7, 8}), "0-2,5,7-8");
    EXPECT_EQ(nodes(format_node_set({0, 1, 2, 5, 7, 8})), std::vector<int>({0, 1, 2, 5, 7, 8}));
}

}  // namespace
}  // namespace sim
