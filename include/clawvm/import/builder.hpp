#pragma once
// The format-independent half of import (spec/import.md IM-6..IM-13). Each format parser
// turns one transcript line into *transcript items* (what happened, in harness terms);
// the workload builder maps items to workload events: pages and their representations,
// tool calls paired with their results by position, model calls as turns, reference
// demands, plan updates and compactions.

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "clawvm/import/import.hpp"

namespace clawvm::import {

// Where an item came from (provenance, IM-7).
struct origin {
  std::uint64_t line = 0;
  std::string native_id;  // the entry's or call's id in the transcript, if any
  std::string timestamp;  // the entry's timestamp as written, if any
};

namespace items {
struct session_start {
  std::string session_id;
};
// System prompt, developer message, injected AGENTS.md/CLAUDE.md: bootstrap (IM-7).
struct system_text {
  std::string text;
};
// A user-typed message: bootstrap if it carries a bootstrap marker, else conversation,
// plus a constraint page for its rule sentences (IM-10).
struct user_text {
  std::string text;
  bool harness_written = false;  // the transcript marks it as harness-written (isMeta)
  // Typed while the model was working (a queued prompt): calls still pending are not
  // abandoned by it (IM-6).
  bool mid_turn = false;
};
// Context that is neither user-typed nor model output (compaction summaries, extension
// messages, environment context): a conversation page with this role.
struct context_text {
  std::string role;
  std::string text;
};
// A new model call starts (IM-6); items of model output open one implicitly.
struct model_call {};
struct assistant_text {
  std::string text;
};
struct tool_call {
  std::string call_id;
  std::string name;
  nlohmann::json arguments;  // any JSON value
  // Run by the user, not by the model (OpenClaw bashExecution): no model call opens.
  bool user_initiated = false;
};
// Pairs with the oldest pending call whose id equals call_id (IM-6).
struct tool_result {
  std::string call_id;
  std::string text;
  bool is_error = false;
  std::string field;  // JSON path of call_id in the entry, for the orphan diagnostic
};
// A native compaction boundary; a non-empty summary becomes a conversation page after it.
// `first_kept_line`: the harness keeps the entries from this input line on in the prompt
// (pi firstKeptEntryId, IM-12); their pages are demanded again right after the boundary.
struct compaction {
  std::string summary;
  std::optional<std::uint64_t> first_kept_line;
};
}  // namespace items

using transcript_item =
    std::variant<items::session_start, items::system_text, items::user_text, items::context_text,
                 items::model_call, items::assistant_text, items::tool_call, items::tool_result,
                 items::compaction>;

struct located_item {
  transcript_item item;
  origin where;
};

// A problem found while reading one line. `line_kept`: the line's other items still apply
// in lenient mode (a missing header, one orphan result); otherwise the line is skipped.
struct line_problem {
  problem_kind kind = problem_kind::invalid_json;
  std::string field;
  std::string message;
  bool line_kept = false;
};

class workload_builder {
 public:
  // `sink` and `stats` must outlive the builder. `fallback_session` names the session when
  // the transcript names none.
  workload_builder(const import_options& options, std::string source_name,
                   std::string fallback_session, const event_sink& sink, import_stats& stats);

  // Whether a tool result with this call id would pair (a pending call exists).
  bool has_pending_call(std::string_view call_id) const;
  bool model_call_open() const noexcept { return call_open_; }
  bool session_started() const noexcept { return session_started_; }
  // The session reached import_options::max_turns: later items are not imported.
  bool turn_limit_reached() const noexcept {
    return options_->max_turns > 0 && turn_ >= options_->max_turns;
  }

  // Applies one item. A tool result with no pending call returns orphan_tool_result and
  // changes nothing.
  std::optional<line_problem> apply(located_item item);
  // End of transcript: closes the open model call, emits unanswered calls, session_end.
  void finish();

 private:
  struct pending_call {
    std::string call_id;
    std::string name;
    std::string arguments_json;  // canonical (sorted keys, no whitespace)
    nlohmann::json arguments;
    std::string signature_key;
    tool_kind kind = tool_kind::other;
    origin where;
  };
  // What a result page holds now (IM-6 refreshes): a repeated call with another result
  // is a refresh. Content is compared by length + FNV-1a-64, not stored.
  struct result_identity {
    bool answered = false;
    bool is_error = false;
    std::size_t bytes = 0;
    std::uint64_t hash = 0;
    friend bool operator==(const result_identity&, const result_identity&) = default;
  };
  struct result_state {
    result_identity now;
    std::uint64_t versions = 0;  // refreshes emitted: the journal key's committed version
  };
  // A page ingested since the last compaction, for what a later compaction keeps (IM-12).
  struct context_page {
    std::uint64_t line = 0;
    std::string page_id;
    std::uint32_t tokens = 0;
  };
  struct page_texts {
    std::string full;  // empty: no full level
    std::uint32_t full_tokens = 0;
    std::optional<std::string> compressed;
    std::optional<std::string> structured;
    std::optional<std::string> pointer;
  };

  void ensure_session();
  void emit(workload_event e);
  std::string next_id(std::string_view kind, std::uint64_t& counter) const;
  std::string provenance(const origin& where) const;
  page_spec make_spec(std::string id, page_type type, const origin& where, double recompute_cost,
                      const page_texts& texts) const;
  void ingest_page(page_spec spec, std::uint32_t full_tokens);

  void on_system_text(const std::string& text, const origin& where);
  void on_user_text(const items::user_text& message, const origin& where);
  void on_conversation(std::string_view role, const std::string& text, const origin& where);
  void open_call(const origin& where);
  void close_call();
  void on_tool_result(const items::tool_result& r, const origin& where);
  void on_compaction(const items::compaction& c, const origin& where);
  void flush_pending_as_unanswered();
  void emit_tool_call(const pending_call& call, const std::string* result, bool is_error,
                      const origin& result_origin);
  void register_reference_keys(const pending_call& call, const std::string& page_id);
  void update_plan(const pending_call& call, const std::string& evidence_page, const origin& where);
  void refresh_result(const std::string& page_id, page_spec spec, result_state& state, const std::string& result,
                      bool is_error);
  page_texts evidence_texts(const pending_call& call, const std::string& id, const std::string* result,
                            bool is_error) const;
  void remember_context_page(std::uint64_t line, const std::string& page_id, std::uint32_t tokens);
  void keep_after_compaction(std::optional<std::uint64_t> first_kept_line);
  void compact(bool native);
  void demand_references(std::string_view s);

  const import_options* options_;
  std::string source_;
  std::string fallback_session_;
  const event_sink* sink_;
  import_stats* stats_;

  bool session_started_ = false;
  std::string session_id_;
  std::string prefix_;  // page id prefix derived from the session id
  std::uint64_t bootstrap_count_ = 0;
  std::uint64_t rule_count_ = 0;
  std::uint64_t evidence_count_ = 0;
  std::uint64_t conversation_count_ = 0;

  // The open model call: its outputs wait until it closes (IM-6).
  bool call_open_ = false;
  origin call_origin_;
  std::vector<std::string> call_texts_;
  std::vector<pending_call> call_tools_;

  std::deque<pending_call> pending_;  // calls awaiting results, in call order
  std::unordered_map<std::string, std::string> page_by_signature_;
  std::unordered_map<std::string, std::string> page_by_reference_;
  std::unordered_map<std::string, std::uint64_t> evidence_turn_;  // page id -> turn it appeared
  std::unordered_map<std::string, result_state> result_state_;     // evidence page id -> content now
  std::deque<context_page> since_compaction_;                      // bounded (IM-3)
  std::unordered_set<std::string> demanded_this_turn_;
  std::unordered_set<std::uint64_t> bootstrap_seen_;
  std::unordered_set<std::uint64_t> rules_seen_;
  std::uint64_t turn_ = 0;

  std::uint64_t context_tokens_ = 0;  // running context estimate (IM-12)
  std::uint64_t pinned_tokens_ = 0;   // bootstrap + constraint: what survives a compaction

  bool plan_exists_ = false;
  std::string plan_id_;
};

// Per-format line parsers (src/import/<format>.cpp). One instance per transcript.
class format_parser {
 public:
  virtual ~format_parser() = default;
  // `entry` is the line's JSON value (not necessarily an object). Appends the line's items
  // to `out`; a returned problem without line_kept means the line is skipped.
  virtual std::optional<line_problem> parse(const nlohmann::json& entry, std::uint64_t line,
                                            const workload_builder& builder,
                                            std::vector<located_item>& out) = 0;
  format_parser() = default;
  format_parser(const format_parser&) = delete;
  format_parser& operator=(const format_parser&) = delete;
  format_parser(format_parser&&) = delete;
  format_parser& operator=(format_parser&&) = delete;
};

// `stats` (ignored entries and blocks) must outlive the parser.
std::unique_ptr<format_parser> make_parser(source_format format, const import_options& options,
                                           import_stats& stats);

}  // namespace clawvm::import
