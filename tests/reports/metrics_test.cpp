// Small pure functions of the report: exact time rendering, percentiles, propagation
// quantiles and the HTML page's tolerance of damaged reports.
#include <gtest/gtest.h>

#include "reports/html.h"
#include "reports/metrics.h"
#include "reports/series.h"

namespace reports {
namespace {

TEST(Series, FormatFixedIsExact) {
    EXPECT_EQ(format_fixed(0, core::kSecond), "0");
    EXPECT_EQ(format_fixed(1'500'000, core::kMillisecond), "1.5");
    EXPECT_EQ(format_fixed(1'500'000, core::kSecond), "0.0015");
    EXPECT_EQ(format_fixed(3600 * core::kSecond, core::kSecond), "3600");
    EXPECT_EQ(format_fixed(13'566'975'204, core::kSecond), "13.566975204");
    EXPECT_EQ(format_fixed(1, core::kSecond), "0.000000001");
    EXPECT_EQ(format_fixed(-2'250'000'000, core::kSecond), "-2.25");
}

TEST(Metrics, PercentilesInterpolateLikeNumpy) {
    EXPECT_FALSE(percentile({}, 0.5));
    EXPECT_EQ(*percentile({5}, 0.9), 5);
    EXPECT_EQ(*percentile({4, 1, 3, 2}, 0.5), 2.5);
    EXPECT_NEAR(*percentile({1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 0.9), 9.1, 1e-12);
}

TEST(Metrics, PropagationCountsTheMinerAndRoundsNodeCountsUp) {
    BlockRecord b;
    b.delays = {0, 30, 10, 20};                    // in acceptance order; 4 of 5 nodes
    EXPECT_EQ(*propagation_delay(b, 5, 0.1), 0);   // 1 node: the miner
    EXPECT_EQ(*propagation_delay(b, 5, 0.5), 20);  // ceil(2.5) = 3 nodes
    EXPECT_EQ(*propagation_delay(b, 5, 0.8), 30);  // 4 nodes
    EXPECT_FALSE(propagation_delay(b, 5, 0.9));    // 5 nodes: never
    EXPECT_FALSE(propagation_delay(b, 5, 1.0));
    EXPECT_DOUBLE_EQ(*propagation_ms(b, 5, 0.8), 30e-6);
}

TEST(Html, DamagedReportsRenderWithGaps) {
    const nlohmann::json damaged = {
        {"scenario", "<b>x</b>"}, {"blocks", {{"mined", "many"}}}, {"expectations", 3}};
    const std::string html = render_html("/nonexistent", damaged, "name: <x>", "");
    EXPECT_NE(html.find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);  // escaped
    EXPECT_EQ(html.find("<b>x</b>"), std::string::npos);
    EXPECT_NE(html.find("n/a"), std::string::npos);
    EXPECT_NE(html.find("name: &lt;x&gt;"), std::string::npos);
}

TEST(Html, ExpectationsShowPassAndFail) {
    const nlohmann::json report = {
        {"scenario", "s"},
        {"expectations",
         {{{"name", "max_reorg_depth 2"}, {"passed", false}, {"detail", "deepest reorg 5 blocks"}},
          {{"name", "stale_rate_below 0.1"}, {"passed", true}, {"detail", "ok"}}}}};
    const std::string html = render_html("/nonexistent", report, "", "");
    EXPECT_NE(html.find("1 of 2 expectations FAILED"), std::string::npos);
    EXPECT_NE(html.find("deepest reorg 5 blocks"), std::string::npos);
}

}  // namespace
}  // namespace reports
