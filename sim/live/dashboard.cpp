// GET /: the dashboard page, built from sim/live/dashboard/src with npm (`npm run build`)
// and embedded at compile time (sim/live/dashboard/embed.cmake). It loads nothing from
// elsewhere: it polls this node's own API.
#include <cstddef>
#include <string>

#include "sim/live/live_node.h"

namespace live {

extern const unsigned char kDashboardPage[];
extern const std::size_t kDashboardPageSize;

const std::string& dashboard_html() {
    static const std::string html(reinterpret_cast<const char*>(kDashboardPage),
                                  kDashboardPageSize);
    return html;
}

}  // namespace live
