// Internal to scenario loading: YAML text to nodes, with a bound on the parser's work.
//
// yaml-cpp 0.7 (Debian 12's) can loop without end on some malformed text: a ',' ']' or '}'
// where no flow collection is open makes LoadAll emit empty documents at the same place
// forever, allocating as it goes (upstream issue jbeder/yaml-cpp#1040, fixed after 0.7 by
// pull request #1319). load_all_documents parses the text once with a handler that
// counts events, and refuses it once the count exceeds what text of that length can
// produce. (YAML::Load reads one document and stops, so it needs no such bound.)
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace sim::scenario_internal {

// Every document in `text`, as YAML::LoadAll. Throws YAML::ParserException (with the mark
// where the parser stopped advancing) for text the parser does not get through.
std::vector<YAML::Node> load_all_documents(const std::string& text);

}  // namespace sim::scenario_internal
