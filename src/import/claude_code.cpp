// Claude Code transcript (~/.claude/projects/<project>/<session>.jsonl) line parser
// (spec/import.md IM-15.2), versions 1.x through 2.1.x.
#include <algorithm>
#include <array>

#include "clawvm/import/formats.hpp"
#include "clawvm/import/json_fields.hpp"

namespace clawvm::import {

namespace {

using namespace fields;

// Entry types that carry nothing the model saw: titles, bookkeeping for /resume, undo
// snapshots, the input queue (a queued prompt reaches the model as a user message or a
// queued_command attachment), tool progress, permission and cost state (IM-15.2). A
// "summary" line is the session's title for /resume, not a compaction.
constexpr std::array<std::string_view, 17> bookkeeping_types{
    "agent-name",      "ai-title",         "bridge-session", "cost-state",
    "custom-title",    "file-history-delta", "file-history-snapshot", "last-prompt",
    "mode",            "permission-mode",  "pr-link",        "progress",
    "queue-operation", "summary",          "tag",            "teleported-from",
    "worktree-state"};

}  // namespace

bool claude_code_bookkeeping_type(std::string_view type) {
  return std::find(bookkeeping_types.begin(), bookkeeping_types.end(), type) != bookkeeping_types.end();
}

namespace {

class claude_code_parser final : public format_parser {
 public:
  claude_code_parser(const import_options& options, import_stats& stats)
      : options_(&options), stats_(&stats) {}

  std::optional<line_problem> parse(const json& entry, std::uint64_t line,
                                    const workload_builder& builder,
                                    std::vector<located_item>& out) override {
    if (!entry.is_object()) {
      return line_problem{problem_kind::not_an_object, "", "entry is not a JSON object", false};
    }
    const auto* type = string_member(entry, "type");
    if (type == nullptr) return missing("type", "a string");
    const auto where = origin_of(entry, line, "uuid");
    const bool message_bearing =
        *type == "user" || *type == "assistant" || *type == "system" || *type == "attachment";

    if (message_bearing && is_true(entry, "isSidechain")) {
      // Sub-agent (Task) transcripts interleaved by older versions: not this context.
      stats_->count_ignored("sidechain");
      return std::nullopt;
    }
    // No header line: the session is the first sessionId seen on a message-bearing entry.
    std::vector<located_item> found;
    if (message_bearing && !session_named_) {
      if (const auto* session = string_member(entry, "sessionId")) {
        found.push_back({items::session_start{*session}, where});
        session_named_ = true;
      }
    }
    std::optional<line_problem> problem;
    if (*type == "user") {
      problem = parse_user(entry, where, found);
    } else if (*type == "assistant") {
      problem = parse_assistant(entry, where, builder, found);
    } else if (*type == "system") {
      problem = parse_system(entry, where, found);
    } else if (*type == "attachment") {
      problem = parse_attachment(entry, where, found);
    } else if (claude_code_bookkeeping_type(*type)) {
      stats_->count_ignored(*type);
    } else {
      return unknown_type("type", *type);
    }
    if (problem) {
      if (!found.empty() && std::holds_alternative<items::session_start>(found.front().item)) {
        session_named_ = false;  // the line is skipped: name the session from a later one
      }
      return problem;
    }
    for (auto& item : found) out.push_back(std::move(item));
    return std::nullopt;
  }

 private:
  std::optional<line_problem> parse_system(const json& entry, const origin& where, std::vector<located_item>& out) {
    const auto* subtype = member(entry, "subtype");
    if (subtype != nullptr && !subtype->is_string()) return missing("subtype", "a string");
    const std::string name = subtype != nullptr ? subtype->get<std::string>() : std::string();
    if (name == "compact_boundary") {
      out.push_back({items::compaction{std::string(), std::nullopt}, where});
      after_boundary_ = true;
      open_message_id_.clear();
      return std::nullopt;
    }
    // Informational notes, local command echoes, API errors, turn durations, hook summaries:
    // shown in the UI, not sent to the model.
    stats_->count_ignored(name.empty() ? std::string("system") : "system/" + name);
    return std::nullopt;
  }

  // Attachments (2.x) carry context the harness added to the next request. The subtypes
  // whose text is standing context or a user's words become pages; the others record what
  // the harness did (hook runs without output for the model, permission and mode changes)
  // or are reminders it regenerates every turn (todo, date, token budget): they are counted
  // per subtype as ignored, an unknown subtype too (IM-15.2).
  std::optional<line_problem> parse_attachment(const json& entry, const origin& where,
                                               std::vector<located_item>& out) {
    const auto* a = member(entry, "attachment");
    if (a == nullptr || !a->is_object()) return missing("attachment", "an object");
    const auto* subtype = string_member(*a, "type");
    if (subtype == nullptr) return missing("attachment.type", "a string");
    if (*subtype == "hook_additional_context") return hook_context(*a, where, out);
    if (*subtype == "mcp_instructions_delta") return mcp_instructions(*a, where, out);
    if (*subtype == "skill_listing") {
      const auto* content = string_member(*a, "content");
      if (content == nullptr) return missing("attachment.content", "a string");
      out.push_back({items::system_text{*content}, where});  // part of the standing context
      return std::nullopt;
    }
    if (*subtype == "nested_memory") return nested_memory(*a, where, out);
    if (*subtype == "file") return mentioned_file(*a, where, out);
    if (*subtype == "queued_command") return queued_prompt(*a, where, out);
    stats_->count_ignored("attachment/" + *subtype);
    return std::nullopt;
  }

  std::optional<line_problem> hook_context(const json& a, const origin& where, std::vector<located_item>& out) {
    const auto* content = member(a, "content");
    if (content == nullptr) return missing("attachment.content", "an array of strings");
    std::string text;
    if (content->is_string()) {
      text = content->get<std::string>();
    } else if (content->is_array()) {
      for (std::size_t i = 0; i < content->size(); ++i) {
        if (!(*content)[i].is_string()) return missing(path("attachment.content", i), "a string");
        if (!text.empty()) text += '\n';
        text += (*content)[i].get_ref<const std::string&>();
      }
    } else {
      return missing("attachment.content", "an array of strings");
    }
    // Context a SessionStart hook adds is standing project context (re-added on resume and
    // after a compaction, so de-duplicated as bootstrap); other hooks add per-event notes.
    const auto* event = string_member(a, "hookEvent");
    if (event != nullptr && *event == "SessionStart") {
      out.push_back({items::system_text{std::move(text)}, where});
    } else {
      // A note around one tool call or prompt; the calls in flight keep waiting for results.
      out.push_back({items::context_text{"harness", std::move(text)}, where});
    }
    return std::nullopt;
  }

  std::optional<line_problem> mcp_instructions(const json& a, const origin& where, std::vector<located_item>& out) {
    const auto* blocks = member(a, "addedBlocks");
    if (blocks == nullptr) return std::nullopt;  // only removals
    if (!blocks->is_array()) return missing("attachment.addedBlocks", "an array of strings");
    for (std::size_t i = 0; i < blocks->size(); ++i) {
      if (!(*blocks)[i].is_string()) return missing(path("attachment.addedBlocks", i), "a string");
    }
    // MCP server instructions join the system prompt: one bootstrap page per block.
    for (const auto& block : *blocks) out.push_back({items::system_text{block.get<std::string>()}, where});
    return std::nullopt;
  }

  std::optional<line_problem> nested_memory(const json& a, const origin& where, std::vector<located_item>& out) {
    // A CLAUDE.md of a sub-directory, loaded when the model first touches it: project
    // instructions, like the top-level CLAUDE.md.
    const auto* content = member(a, "content");
    const std::string* body = nullptr;
    if (content != nullptr && content->is_string()) body = &content->get_ref<const std::string&>();
    if (content != nullptr && content->is_object()) body = string_member(*content, "content");
    if (body == nullptr) return missing("attachment.content.content", "a string");
    out.push_back({items::system_text{*body}, where});
    return std::nullopt;
  }

  std::optional<line_problem> mentioned_file(const json& a, const origin& where, std::vector<located_item>& out) {
    // An @-mentioned file: Claude Code reads it for the model as if it had called Read, so
    // it is a user-initiated Read call whose result is the file's text (an evidence page).
    const auto* filename = string_member(a, "filename");
    if (filename == nullptr) return missing("attachment.filename", "a string");
    const auto* content = member(a, "content");
    if (content == nullptr || !content->is_object()) return missing("attachment.content", "an object");
    const auto* kind = string_member(*content, "type");
    if (kind == nullptr) return missing("attachment.content.type", "a string");
    if (*kind != "text") {
      // Images, notebooks and PDFs are blocks this importer does not measure.
      ++stats_->ignored_blocks;
      stats_->count_ignored("attachment/file:" + *kind);
      return std::nullopt;
    }
    const auto* file = member(*content, "file");
    const auto* text = file != nullptr ? string_member(*file, "content") : nullptr;
    if (text == nullptr) return missing("attachment.content.file.content", "a string");
    const std::string call_id = fmt::format("file@{}", where.line);
    out.push_back({items::tool_call{call_id, "Read", json{{"file_path", *filename}}, true}, where});
    out.push_back({items::tool_result{call_id, *text, false, "attachment.filename"}, where});
    return std::nullopt;
  }

  std::optional<line_problem> queued_prompt(const json& a, const origin& where, std::vector<located_item>& out) {
    // A prompt typed while the model was working; it reaches the model where it was taken.
    const auto* prompt = member(a, "prompt");
    auto body = prompt != nullptr ? content_text(*prompt, stats_->ignored_blocks) : std::nullopt;
    if (!body) return missing("attachment.prompt", "a string or an array of content blocks");
    items::user_text typed{std::move(*body), is_true(a, "isMeta")};
    typed.mid_turn = true;  // taken between tool results: calls in flight still get theirs
    out.push_back({std::move(typed), where});
    return std::nullopt;
  }

  std::optional<line_problem> parse_user(const json& entry, const origin& where,
                                         std::vector<located_item>& out) {
    const auto* message = member(entry, "message");
    if (message == nullptr || !message->is_object()) return missing("message", "an object");
    const auto* content = member(*message, "content");
    if (content == nullptr) return missing("message.content", "a string or an array of content blocks");
    open_message_id_.clear();

    if (is_true(entry, "isCompactSummary")) {
      auto body = content_text(*content, stats_->ignored_blocks);
      if (!body) return missing("message.content", "a string or an array of content blocks");
      // Versions that write a compact_boundary first: the summary follows it; older ones
      // mark the compaction only by this message.
      if (after_boundary_) {
        out.push_back({items::context_text{"summary", std::move(*body)}, where});
      } else {
        out.push_back({items::compaction{std::move(*body), std::nullopt}, where});
      }
      after_boundary_ = false;
      return std::nullopt;
    }
    after_boundary_ = false;
    const bool meta = is_true(entry, "isMeta");
    if (content->is_string()) {
      out.push_back({items::user_text{content->get<std::string>(), meta}, where});
      return std::nullopt;
    }
    if (!content->is_array()) return missing("message.content", "a string or an array of content blocks");
    for (std::size_t i = 0; i < content->size(); ++i) {
      const auto& block = (*content)[i];
      const auto at = path("message.content", i);
      const auto* type = string_member(block, "type");
      if (type == nullptr) return missing(path(at, "type"), "a string");
      if (*type == "text") {
        const auto* body = string_member(block, "text");
        if (body == nullptr) return missing(path(at, "text"), "a string");
        // Each text block on its own: injected CLAUDE.md context is a separate block.
        out.push_back({items::user_text{*body, meta}, where});
      } else if (*type == "tool_result") {
        const auto* id = string_member(block, "tool_use_id");
        if (id == nullptr) return missing(path(at, "tool_use_id"), "a string");
        std::optional<std::string> body = std::string();
        if (const auto* result = member(block, "content")) body = content_text(*result, stats_->ignored_blocks);
        if (!body) return missing(path(at, "content"), "a string or an array of content blocks");
        out.push_back({items::tool_result{*id, std::move(*body), is_true(block, "is_error"),
                                          path(at, "tool_use_id")},
                       where});
      } else {
        ++stats_->ignored_blocks;  // image, document
      }
    }
    return std::nullopt;
  }

  std::optional<line_problem> parse_assistant(const json& entry, const origin& where,
                                              const workload_builder& builder,
                                              std::vector<located_item>& out) {
    const auto* message = member(entry, "message");
    if (message == nullptr || !message->is_object()) return missing("message", "an object");
    const auto* content = member(*message, "content");
    if (content == nullptr || !content->is_array()) {
      return missing("message.content", "an array of content blocks");
    }
    after_boundary_ = false;
    // One API response is written as several lines sharing message.id: one model call.
    const auto* message_id = string_member(*message, "id");
    const std::string id = message_id != nullptr ? *message_id : std::string();
    if (!builder.model_call_open() || id.empty() || id != open_message_id_) {
      out.push_back({items::model_call{}, where});
    }
    open_message_id_ = id;
    return read_assistant_blocks(*content, "message.content", where, {"tool_use", "input"},
                                 options_->include_thinking, stats_->ignored_blocks, out);
  }

  const import_options* options_;
  import_stats* stats_;
  bool session_named_ = false;
  bool after_boundary_ = false;
  std::string open_message_id_;
};

}  // namespace

std::unique_ptr<format_parser> make_claude_code_parser(const import_options& options, import_stats& stats) {
  return std::make_unique<claude_code_parser>(options, stats);
}

}  // namespace clawvm::import
