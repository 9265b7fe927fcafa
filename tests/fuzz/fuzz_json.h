// JSON helpers the JSON fuzz targets share.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "fuzz_check.h"

namespace fuzz {

// The same JSON value, with strings compared without regard to case (hex digits).
inline bool same_field(const nlohmann::json& given, const nlohmann::json& written) {
    if (given.is_string() && written.is_string()) {
        return lower(given.get<std::string>()) == lower(written.get<std::string>());
    }
    return given == written;
}

}  // namespace fuzz
