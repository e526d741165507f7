#pragma once
// The three transcript line parsers (spec/import.md IM-15): one per source format, each
// turning a line's JSON value into transcript items for the workload builder.

#include <memory>

#include "clawvm/import/builder.hpp"
#include "clawvm/import/text.hpp"

namespace clawvm::import {

std::unique_ptr<format_parser> make_openclaw_parser(const import_options& options, import_stats& stats);
std::unique_ptr<format_parser> make_claude_code_parser(const import_options& options, import_stats& stats);
std::unique_ptr<format_parser> make_codex_parser(const import_options& options, import_stats& stats);

}  // namespace clawvm::import
