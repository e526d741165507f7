#pragma once
// Transcript importers (spec/import.md IM-1..IM-16): a native agent transcript (OpenClaw,
// Claude Code, Codex CLI) becomes a clawvm workload trace (include/clawvm/workload.hpp)
// that replays through the engine. Import is streaming: one input line in memory at a
// time plus per-page bookkeeping, never the whole transcript (IM-3).

#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <iosfwd>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "clawvm/page_type.hpp"
#include "clawvm/workload.hpp"

namespace clawvm::import {

enum class source_format : std::uint8_t { openclaw = 0, claude_code = 1, codex = 2 };
inline constexpr std::array<source_format, 3> all_source_formats{
    source_format::openclaw, source_format::claude_code, source_format::codex};

constexpr std::string_view to_string(source_format f) noexcept {
  switch (f) {
    case source_format::openclaw: return "openclaw";
    case source_format::claude_code: return "claude-code";
    case source_format::codex: return "codex";
  }
  return "?";
}
constexpr std::optional<source_format> parse_source_format(std::string_view s) noexcept {
  for (auto f : all_source_formats) {
    if (to_string(f) == s) return f;
  }
  return std::nullopt;
}

// What a tool does, for its result page's recompute cost (IM-8) and for plan updates.
enum class tool_kind : std::uint8_t { read = 0, command = 1, edit = 2, plan = 3, other = 4 };
inline constexpr std::size_t tool_kind_count = 5;
constexpr std::string_view to_string(tool_kind k) noexcept {
  switch (k) {
    case tool_kind::read: return "read";
    case tool_kind::command: return "command";
    case tool_kind::edit: return "edit";
    case tool_kind::plan: return "plan";
    case tool_kind::other: return "other";
  }
  return "?";
}
constexpr std::optional<tool_kind> parse_tool_kind(std::string_view s) noexcept {
  for (std::uint8_t i = 0; i < tool_kind_count; ++i) {
    if (to_string(static_cast<tool_kind>(i)) == s) return static_cast<tool_kind>(i);
  }
  return std::nullopt;
}

// Attributes every page of one type gets (IM-7).
struct page_defaults {
  pin_class pin = pin_class::none;
  double base_utility = 0.0;
  double recompute_cost = 0.0;  // evidence: per tool kind instead (import_options)
};

// The mapping (IM-7..IM-13). Every field has a documented default; `--mapping FILE`
// overrides any subset (load_mapping).
struct import_options {
  // Synthesized compaction (IM-12): when the running context estimate exceeds this many
  // tokens before a model call. 0 disables synthesis (native compactions still import).
  std::uint64_t window_tokens = 32768;
  // Cut the session after this many turns (0: no cut), as the paper cut real traces at
  // 100 and 200 turns (IM-6). Calls still awaiting their results at the cut are dropped.
  std::uint64_t max_turns = 0;
  // Input lines longer than this are bad input (IM-4); they are skipped unread.
  std::size_t max_line_bytes = 8U * 1024U * 1024U;
  // JSON nesting deeper than this is bad input (bounded parser memory).
  std::size_t max_json_depth = 128;  // at most json_depth_max (JR-10)
  // Stored content of one representation is cut here (tokens still count the whole
  // text), so an output line stays far below workload_line_bytes_max (IM-9).
  std::size_t representation_bytes_max = 1024U * 1024U;
  // compressed = first head + last tail bytes, built only when the text is longer than
  // twice their sum (IM-9).
  std::size_t compressed_head_bytes = 240;
  std::size_t compressed_tail_bytes = 80;
  // The structured level of a bootstrap page (its hard-pinned floor) is cut here, so the
  // pinned floor set stays small next to the evaluation budgets (120..500 tokens).
  std::size_t bootstrap_structured_bytes_max = 320;
  // At most this many constraint pages per session (IM-10); later rules stay conversation.
  std::size_t constraint_pages_max = 6;
  // Thinking/reasoning blocks are not carried into later prompts by these harnesses, so
  // they are not pages unless asked for (they then join the model call's conversation page).
  bool include_thinking = false;

  std::array<page_defaults, page_type_count> pages{{
      /* bootstrap */ {pin_class::hard, 8.0, 4.0},
      /* constraint */ {pin_class::hard, 7.0, 4.0},
      /* plan */ {pin_class::none, 6.0, 6.0},
      /* preference */ {pin_class::none, 4.0, 2.0},  // not produced by the importers
      /* evidence */ {pin_class::soft, 5.0, 0.0},
      /* conversation */ {pin_class::none, 2.0, 2.0},
  }};
  // Evidence recompute cost by tool kind (brief §5: 8 reads/commands, 12 edits, 6 other).
  std::array<double, tool_kind_count> recompute_cost_by_kind{8.0, 8.0, 12.0, 6.0, 6.0};
  // Extra or overriding tool-name -> kind entries, looked up (lower-cased) before the
  // built-in table (IM-8).
  std::map<std::string, tool_kind> tool_kinds;
  // A sentence opening with one of these (case-insensitive, whole words) is a rule (IM-10).
  std::vector<std::string> rule_openers{"always", "never", "do not", "don't", "dont", "must",
                                        "you must", "you should always", "you should never",
                                        "from now on", "make sure"};
  // A user/meta text block containing one of these within its first 512 bytes is
  // bootstrap content (IM-7).
  std::vector<std::string> bootstrap_markers{"<user_instructions>", "# AGENTS.md instructions",
                                             "# claudeMd"};
  // A user-role text that starts (after whitespace) with one of these was written by the
  // harness, not typed by the user: a conversation page, never a rule (IM-10). Claude Code
  // also marks such entries isMeta.
  std::vector<std::string> harness_text_prefixes{"<system-reminder>", "<command-name>",
                                                 "<command-message>", "<local-command-stdout>",
                                                 "<environment_context>", "Caveat: "};
  // The level a reference demand asks for (IM-11): the model reads the content again.
  level reference_demand_level = level::full;
  // Argument keys whose whole string value names what a tool read (IM-11).
  std::vector<std::string> reference_argument_keys{"path", "file_path", "filePath", "file",
                                                   "filename", "notebook_path", "url", "uri",
                                                   "targetUrl"};
  // Argument keys whose value is a command or patch: its path-like tokens are keys (IM-11).
  std::vector<std::string> command_argument_keys{"command", "cmd", "input", "patch"};
};

// Bad-input categories (IM-4, IM-5). Each is counted in lenient mode.
enum class problem_kind : std::uint8_t {
  line_too_long = 0,
  invalid_utf8 = 1,
  invalid_json = 2,
  truncated_final_line = 3,
  json_too_deep = 4,
  not_an_object = 5,
  missing_field = 6,        // absent or of the wrong JSON type
  unknown_entry_type = 7,
  missing_header = 8,
  duplicate_header = 9,
  orphan_tool_result = 10,  // a tool result with no pending call
  empty_input = 11,
  read_error = 12,          // the input stream failed (I/O error)
  // Two or more JSON objects on one line (a writer lost a newline): lenient imports each.
  concatenated_json = 13,
  // A reference to an entry that is not in the transcript (compaction firstKeptEntryId).
  dangling_reference = 14,
};
inline constexpr std::size_t problem_kind_count = 15;
std::string_view to_string(problem_kind k) noexcept;

// One problem, rendered "file:line: field 'x': message" (or "file:line: message" when
// no field is involved).
struct import_problem {
  problem_kind kind = problem_kind::invalid_json;
  std::string file;
  std::uint64_t line = 0;
  std::string field;  // JSON path in the input entry ("message.content[2].id"), or ""
  std::string message;
  std::string to_string() const;
};

// Distinct names kept in import_stats::ignored_by_type; later names count as "other" (IM-3).
inline constexpr std::size_t ignored_type_names_max = 64;

struct import_stats {
  std::uint64_t lines = 0;          // input lines read (blank ones included)
  std::uint64_t blank_lines = 0;
  std::uint64_t ignored_entries = 0;   // known entry types that carry no state (IM-5, IM-15)
  // The same, per entry type ("last-prompt", "attachment/todo_reminder", ...), sorted by
  // name, for the summary line. Names are sanitized and bounded (count_ignored).
  std::map<std::string, std::uint64_t> ignored_by_type;
  std::uint64_t ignored_blocks = 0;    // content blocks of no mapped type (images, ...)
  std::uint64_t skipped_lines = 0;     // lines dropped for a problem (lenient)
  std::uint64_t skipped_items = 0;     // items dropped inside an accepted line (orphans)
  std::array<std::uint64_t, problem_kind_count> problems{};
  std::uint64_t turns = 0;
  std::array<std::uint64_t, page_type_count> pages{};  // new pages, by type
  std::uint64_t tool_calls = 0;
  // A call whose canonical signature was seen before (FT-3) is a duplicate when its result
  // equals the result page's current content, else a refresh (IM-6): the page gets the
  // new content as an update.
  std::uint64_t duplicate_signatures = 0;
  std::uint64_t refreshes = 0;
  std::uint64_t unanswered_calls = 0;      // calls with no result line
  std::uint64_t demands = 0;
  std::uint64_t plan_updates = 0;
  std::uint64_t compactions_native = 0;
  std::uint64_t compactions_synthesized = 0;
  // Pages a native compaction kept in the prompt (pi firstKeptEntryId) and demanded again.
  std::uint64_t pages_kept = 0;
  std::uint64_t rules_dropped = 0;         // rules beyond constraint_pages_max
  bool cut = false;                        // stopped at max_turns
  std::uint64_t calls_cut = 0;             // calls awaiting results at the cut (dropped)
  std::uint64_t events = 0;

  std::uint64_t total_pages() const noexcept;
  std::uint64_t total_problems() const noexcept;
  // Lines that held something (not blank).
  std::uint64_t entry_lines() const noexcept { return lines - blank_lines; }
  // Counts one ignored entry of `type` (also in ignored_entries).
  void count_ignored(std::string_view type);
};

enum class strictness : std::uint8_t { strict = 0, lenient = 1 };

struct import_result {
  // strict: false at the first problem (`problems` holds it). lenient: always true.
  bool ok = true;
  import_stats stats;
  // The first problems (all of them up to problems_kept_max; the counts are in stats).
  std::vector<import_problem> problems;
};
inline constexpr std::size_t problems_kept_max = 20;

// Receives each workload event as it is produced (the header comes first, separately).
using event_sink = std::function<void(const workload_event&)>;

struct import_request {
  source_format format = source_format::openclaw;
  std::string source_name;   // used in diagnostics and provenance (a base name keeps output path-independent)
  std::string session_name;  // workload header name; fallback session id
  strictness mode = strictness::strict;
};

// The workload header an import writes (deterministic: no paths, no clock).
workload_header make_header(const import_request& request, const import_options& options);

// What a file looks like, from its first lines (IM-16 `--from auto`, and the hint of a
// lenient import that produced next to nothing).
struct format_detection {
  std::optional<source_format> format;  // empty: not a transcript of a known format
  // "an OpenClaw/pi session (version 3)", "an older Codex rollout", "not a transcript
  // (...)", "an empty file"; never quotes the file's text.
  std::string description;
  bool empty = false;                    // no non-blank line at all
  std::uint64_t lines_examined = 0;
};
// Lines looked at by detect_format before it gives up.
inline constexpr std::size_t detect_lines_max = 16;
// Reads at most detect_lines_max non-blank lines of `in` (each bounded by
// options.max_line_bytes and max_json_depth) and classifies them. Leaves `in` wherever it
// stopped: the caller reopens or rewinds the input.
format_detection detect_format(std::istream& in, const import_options& options);

// IM-16: why an import (strict or lenient) of a non-empty transcript produced next to
// nothing — no turn at all, or more than half of its lines skipped; nullopt otherwise.
std::optional<std::string> import_shortfall(const import_stats& stats);

// Streams `in` through the mapping into `sink`. Never throws on bad input (IM-5); throws
// only what `sink` throws.
import_result import_transcript(std::istream& in, const import_request& request,
                                const import_options& options, const event_sink& sink);

// Writes header + events to `out` as workload JSON Lines (WL-2).
import_result import_to_stream(std::istream& in, const import_request& request,
                               const import_options& options, std::ostream& out);

// The longest --mapping file accepted (IM-14).
inline constexpr std::size_t mapping_bytes_max = 1024U * 1024U;

// Reads a --mapping file (IM-14): a JSON object whose keys override `base`. Unknown keys
// and wrong types are errors ("file: field 'pages.evidence.pin': expected ...").
std::variant<import_options, std::string> load_mapping(const std::string& path,
                                                       import_options base = {});
std::variant<import_options, std::string> parse_mapping(std::string_view json_text,
                                                        std::string_view source_name,
                                                        import_options base = {});

// Classification of a tool name (IM-8): options.tool_kinds, then the built-in table.
tool_kind classify_tool(std::string_view tool_name, const import_options& options);

// Token estimator of every imported representation (IM-9): ceil(bytes / 4), at least 1.
std::uint32_t estimate_tokens(std::size_t bytes) noexcept;

}  // namespace clawvm::import
