// Internal to scenario loading: --set path=value overrides, applied to the parsed YAML
// document before it is validated, so an overridden value is checked like one in the file.
//
// Path syntax: dotted keys; a numeric component indexes an existing list entry
// (`mining.1.share`). The value is parsed as YAML (scalar or flow collection); its nodes
// carry no file marks, which is how later messages find the override that made them.
// Problems are reported as "--set TEXT: message" and the override is skipped.
#pragma once

#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/scenario/reader.h"

namespace sim::scenario_internal {

// Parses each "path=value" argument, registers it with `diagnostics` and applies it to
// `document`. REQUIRES: document is a map.
void apply_overrides(const std::vector<std::string>& arguments, YAML::Node& document,
                     Diagnostics& diagnostics);

}  // namespace sim::scenario_internal
