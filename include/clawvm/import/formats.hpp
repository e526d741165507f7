#pragma once
// The three transcript line parsers (spec/import.md IM-15): one per source format, each
// turning a line's JSON value into transcript items for the workload builder.

#include <memory>
#include <string_view>

#include "clawvm/import/builder.hpp"
#include "clawvm/import/text.hpp"

namespace clawvm::import {

std::unique_ptr<format_parser> make_openclaw_parser(const import_options& options, import_stats& stats);
std::unique_ptr<format_parser> make_claude_code_parser(const import_options& options, import_stats& stats);
std::unique_ptr<format_parser> make_codex_parser(const import_options& options, import_stats& stats);

// A Claude Code entry type that carries nothing the model saw (IM-15.2): "last-prompt",
// "ai-title", "file-history-snapshot", ... (format detection uses the same list).
bool claude_code_bookkeeping_type(std::string_view type);

}  // namespace clawvm::import
