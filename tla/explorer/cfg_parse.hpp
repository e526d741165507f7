// A tiny parser for the subset of TLC's .cfg language used in tla/, and for
// the `Def == ("a" :> "x") @@ ("b" :> "y")` definitions of the MC modules
// that a cfg substitutes with `Constant <- Def`.  Used only to prove that
// the explorer's tables (configs.hpp) equal the .cfg files.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tla_value.hpp"

namespace clawvm::tla::cfg {

struct ParsedCfg {
  std::string specification;
  std::string init;
  std::string next;
  std::map<std::string, CfgValue> values;         // Constant = value
  std::map<std::string, std::string> substitutes;  // Constant <- Def
  std::vector<std::string> invariants;
  std::vector<std::string> properties;
  std::vector<std::string> errors;
};

ParsedCfg parse_cfg(const std::string& text);

// The value of `name == ...` in a module, where the right-hand side is a
// function written with :> and @@ over string literals.
std::optional<CfgValue> parse_fcn_definition(const std::string& module_text, const std::string& name,
                                             std::string& error);

// Names declared by `KEYWORD` (CONSTANTS / VARIABLES) up to the next blank line.
std::vector<std::string> declared_names(const std::string& module_text, const std::string& keyword);

// Top-level definitions `Name ==` at column 0.
std::vector<std::string> defined_names(const std::string& module_text);

}  // namespace clawvm::tla::cfg
