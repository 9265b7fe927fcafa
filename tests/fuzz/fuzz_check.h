// What a fuzz target asserts. FUZZ_CHECK(condition, detail) stops the process with a
// message naming the property that failed (and `detail`, any string), so libFuzzer saves
// the input as a crash and the corpus replay names the file; a plain crash or an escaping
// exception does the same on its own.
#pragma once

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace fuzz {

[[noreturn]] inline void fail(const char* file, int line, const char* condition,
                              std::string_view detail) {
    std::fprintf(stderr, "%s:%d: fuzz property failed: %s\n", file, line, condition);
    if (!detail.empty()) {
        std::fprintf(stderr, "  %.*s\n", static_cast<int>(detail.size()), detail.data());
    }
    std::abort();
}

// `text` in lower case (hex digits compare without regard to case).
inline std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace fuzz

#define FUZZ_CHECK(condition, detail)                                         \
    do {                                                                      \
        if (!(condition)) ::fuzz::fail(__FILE__, __LINE__, #condition, (detail)); \
    } while (0)
