// reports/plot.py's drawing decisions, tested in Python (tests/reports/plot_script_test.py):
// fault markings, label grouping, legend text, quantile styles and log-axis ticks.
#include <gtest/gtest.h>

#include "reports_test_util.h"

namespace reports {
namespace {

TEST(PlotScript, DrawingDecisions) {
    const std::string script =
        std::string(CHAINSIM_SOURCE_DIR) + "/tests/reports/plot_script_test.py";
    const auto r = testing::run_shell("CHAINSIM_SOURCE_DIR='" + std::string(CHAINSIM_SOURCE_DIR) +
                                      "' /usr/bin/python3 '" + script + "'");
    EXPECT_EQ(r.exit_code, 0) << r.output;
}

}  // namespace
}  // namespace reports
