// Tool classification (spec/import.md IM-8) and the token estimator (IM-9).
#include <algorithm>
#include <array>
#include <string>
#include <string_view>

#include "clawvm/import/import.hpp"
#include "clawvm/import/text.hpp"

namespace clawvm::import {

namespace {

struct tool_entry {
  std::string_view name;
  tool_kind kind;
};

// Built-in table, lower-case names, sorted by name (binary search). OpenClaw, Claude Code
// and Codex built-ins plus common MCP spellings. The table in spec/import.md IM-8 is this.
constexpr std::array<tool_entry, 69> builtin_tools{{
    {"apply_patch", tool_kind::edit},
    {"bash", tool_kind::command},
    {"bashoutput", tool_kind::command},
    {"cat", tool_kind::read},
    {"codebase_search", tool_kind::read},
    {"create", tool_kind::edit},
    {"create_file", tool_kind::edit},
    {"delete_file", tool_kind::edit},
    {"edit", tool_kind::edit},
    {"edit_file", tool_kind::edit},
    {"exec", tool_kind::command},
    {"exec_command", tool_kind::command},
    {"execute", tool_kind::command},
    {"fetch", tool_kind::read},
    {"file_search", tool_kind::read},
    {"find", tool_kind::read},
    {"find_files", tool_kind::read},
    {"glob", tool_kind::read},
    {"grep", tool_kind::read},
    {"insert", tool_kind::edit},
    {"killbash", tool_kind::command},
    {"killshell", tool_kind::command},
    {"list", tool_kind::read},
    {"list_dir", tool_kind::read},
    {"list_files", tool_kind::read},
    {"local_shell", tool_kind::command},
    {"ls", tool_kind::read},
    {"memory_get", tool_kind::read},
    {"memory_search", tool_kind::read},
    {"multi_edit", tool_kind::edit},
    {"multiedit", tool_kind::edit},
    {"notebookedit", tool_kind::edit},
    {"notebookread", tool_kind::read},
    {"plan", tool_kind::plan},
    {"process", tool_kind::command},
    {"read", tool_kind::read},
    {"read_file", tool_kind::read},
    {"read_many_files", tool_kind::read},
    {"readfile", tool_kind::read},
    {"replace", tool_kind::edit},
    {"rg", tool_kind::read},
    {"run", tool_kind::command},
    {"run_command", tool_kind::command},
    {"run_terminal_cmd", tool_kind::command},
    {"search", tool_kind::read},
    {"search_files", tool_kind::read},
    {"sessions_history", tool_kind::read},
    {"sessions_list", tool_kind::read},
    {"shell", tool_kind::command},
    {"shell_command", tool_kind::command},
    {"str_replace", tool_kind::edit},
    {"str_replace_based_edit_tool", tool_kind::edit},
    {"str_replace_editor", tool_kind::edit},
    {"terminal", tool_kind::command},
    {"todo_write", tool_kind::plan},
    {"todoread", tool_kind::read},
    {"todowrite", tool_kind::plan},
    {"update_plan", tool_kind::plan},
    {"user_shell", tool_kind::command},  // a command the user ran in the Codex TUI (IM-15.3)
    {"view", tool_kind::read},
    {"view_file", tool_kind::read},
    {"view_image", tool_kind::read},
    {"web_fetch", tool_kind::read},
    {"web_search", tool_kind::read},
    {"webfetch", tool_kind::read},
    {"websearch", tool_kind::read},
    {"write", tool_kind::edit},
    {"write_file", tool_kind::edit},
    {"write_stdin", tool_kind::command},
}};

constexpr bool table_sorted() {
  for (std::size_t i = 1; i < builtin_tools.size(); ++i) {
    if (!(builtin_tools[i - 1].name < builtin_tools[i].name)) return false;
  }
  return true;
}
static_assert(table_sorted(), "builtin_tools must be sorted by name (binary search)");

std::optional<tool_kind> builtin_kind(std::string_view name) {
  const auto it = std::lower_bound(builtin_tools.begin(), builtin_tools.end(), name,
                                   [](const tool_entry& e, std::string_view n) { return e.name < n; });
  if (it != builtin_tools.end() && it->name == name) return it->kind;
  return std::nullopt;
}

}  // namespace

tool_kind classify_tool(std::string_view tool_name, const import_options& options) {
  const auto name = text::ascii_lower(text::trim(tool_name));
  // Exact name first (configured, then built-in), then the last segment of namespaced
  // names: "functions.read", "mcp__server__read_file", "container.exec".
  std::string_view candidates[2] = {name, name};
  std::size_t sep = std::string::npos;  // the last byte of the last separator
  if (const auto dunder = name.rfind("__"); dunder != std::string::npos) sep = dunder + 1;
  if (const auto dot = name.rfind('.'); dot != std::string::npos && (sep == std::string::npos || dot > sep)) {
    sep = dot;
  }
  if (sep != std::string::npos && sep + 1 < name.size()) {
    candidates[1] = std::string_view(name).substr(sep + 1);
  }
  for (auto candidate : candidates) {
    const auto configured = options.tool_kinds.find(std::string(candidate));
    if (configured != options.tool_kinds.end()) return configured->second;
    if (auto k = builtin_kind(candidate)) return *k;
  }
  return tool_kind::other;
}

std::uint32_t estimate_tokens(std::size_t bytes) noexcept {
  const std::size_t t = (bytes + 3U) / 4U;
  if (t == 0) return 1;
  if (t > 0xFFFFFFFFULL) return 0xFFFFFFFFU;
  return static_cast<std::uint32_t>(t);
}

}  // namespace clawvm::import
