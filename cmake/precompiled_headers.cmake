# Precompiled headers (CHAINSIM_PCH, default ON) for the heavy third-party headers, which
# are most of a build's time: a test TU spends longer parsing GoogleTest, nlohmann/json and
# Boost.Beast than compiling its own code, a CLI TU longer parsing CLI11. Each set below is
# parsed once per build instead of once per TU (docs/reliability.md, "Build time", has the
# measured effect). Only third-party and standard headers go in: one of the project's own
# would make every change to it rebuild the whole target.
#
# A precompiled header is force-included into every TU of its target, so a .cpp that
# forgets to include one of these still compiles here; a build with -DCHAINSIM_PCH=OFF is
# the check that each .cpp includes what it uses. (The ccache settings that go with
# precompiled headers are in the top CMakeLists.txt: they must precede the targets.)
if(NOT CHAINSIM_PCH)
  return()
endif()

# The five GoogleTest binaries share one header set, compiled once (test_core) and reused
# (REUSE_FROM needs the same flags, hence Boost::headers on every test binary). With gcc the
# tests go without -Warray-bounds, -Wstringop-overflow and -Wstringop-overread: with the
# headers precompiled, GCC 12 reports its false positives of these inside libstdc++'s
# std::string (char_traits.h memcpy, reached from tests/core/hash_test.cpp) as the test's
# own errors, at -O1 as at -O3. The libraries and the CLI keep all three; ASan checks the
# tests' bounds at run time (scripts/test-sanitize).
set(CHAINSIM_TEST_PCH
  <gtest/gtest.h> <nlohmann/json.hpp> <boost/graph/adjacency_list.hpp>
  <boost/asio/io_context.hpp> <boost/asio/steady_timer.hpp> <boost/beast/http.hpp>
  <algorithm> <chrono> <cstdint> <filesystem> <fstream> <functional> <map> <memory>
  <optional> <set> <sstream> <string> <string_view> <thread> <unordered_map> <vector>)
set(test_pch_owner "")
foreach(area core sim reports live e2e)
  if(NOT TARGET test_${area})
    continue()
  endif()
  target_link_libraries(test_${area} PRIVATE Boost::headers)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(test_${area} PRIVATE -Wno-array-bounds -Wno-stringop-overflow
      -Wno-stringop-overread)
  endif()
  if(test_pch_owner STREQUAL "")
    target_precompile_headers(test_${area} PRIVATE ${CHAINSIM_TEST_PCH})
    set(test_pch_owner test_${area})
  else()
    target_precompile_headers(test_${area} REUSE_FROM ${test_pch_owner})
  endif()
endforeach()

# The chainsim CLI: CLI11 alone is ~5 s of parsing per TU.
target_precompile_headers(chainsim PRIVATE
  <CLI/CLI.hpp> <nlohmann/json.hpp> <boost/graph/adjacency_list.hpp>
  <filesystem> <iostream> <map> <optional> <string> <vector>)

# The live node: Boost.Asio and Boost.Beast. The embedded dashboard page is a byte array
# that needs none of it.
if(TARGET chainsim_live)
  get_target_property(live_type chainsim_live TYPE)
  if(NOT live_type STREQUAL "INTERFACE_LIBRARY")
    target_precompile_headers(chainsim_live PRIVATE
      <boost/asio/io_context.hpp> <boost/asio/steady_timer.hpp> <boost/asio/ip/tcp.hpp>
      <boost/beast/core.hpp> <boost/beast/http.hpp> <nlohmann/json.hpp>
      <chrono> <functional> <map> <memory> <optional> <string> <vector>)
    set_source_files_properties(${PROJECT_BINARY_DIR}/sim/dashboard_page.cpp
      DIRECTORY ${PROJECT_SOURCE_DIR}/sim PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
  endif()
endif()
