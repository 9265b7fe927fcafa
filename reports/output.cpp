#include "reports/output.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace reports {
namespace {

std::string write_text(const std::filesystem::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return path.string() + ": cannot write: " + std::strerror(errno);
    out << text;
    out.flush();
    if (!out) return path.string() + ": write failed";
    return {};
}

}  // namespace

std::string write_run_directory(const std::string& dir, const nlohmann::json& report,
                                const Recorder& /*recorder*/, const std::string& scenario_yaml) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) return dir + ": cannot create: " + ec.message();
    const std::filesystem::path base(dir);
    if (auto e = write_text(base / "report.json", report.dump(2) + "\n"); !e.empty()) return e;
    if (auto e = write_text(base / "scenario.yaml", scenario_yaml + "\n"); !e.empty()) return e;
    return {};
}

}  // namespace reports
