// Claude Code transcript (~/.claude/projects/<project>/<session>.jsonl) line parser
// (spec/import.md IM-15.2).
#include "clawvm/import/formats.hpp"
#include "clawvm/import/json_fields.hpp"

namespace clawvm::import {

namespace {

using namespace fields;

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
    const bool conversational = *type == "user" || *type == "assistant" || *type == "system";

    if (conversational && bool_member(entry, "isSidechain")) {
      // Sub-agent (Task) transcripts interleaved by older versions: not this context.
      ++stats_->ignored_entries;
      return std::nullopt;
    }
    // No header line: the session is the first sessionId seen on a conversational entry.
    std::vector<located_item> found;
    if (conversational && !session_named_) {
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
      const auto* subtype = string_member(entry, "subtype");
      if (subtype != nullptr && *subtype == "compact_boundary") {
        found.push_back({items::compaction{}, where});
        after_boundary_ = true;
        open_message_id_.clear();
      } else {
        ++stats_->ignored_entries;  // informational, local command, API error, hook notes
      }
    } else if (*type == "summary" || *type == "file-history-snapshot" ||
               *type == "queue-operation" || *type == "progress" || *type == "custom-title") {
      // Session titles, undo snapshots, input queue bookkeeping: no context state. A
      // "summary" line is the session's title for /resume, not a compaction (IM-15.2).
      ++stats_->ignored_entries;
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
  std::optional<line_problem> parse_user(const json& entry, const origin& where,
                                         std::vector<located_item>& out) {
    const auto* message = member(entry, "message");
    if (message == nullptr || !message->is_object()) return missing("message", "an object");
    const auto* content = member(*message, "content");
    if (content == nullptr) return missing("message.content", "a string or an array of content blocks");
    open_message_id_.clear();

    if (bool_member(entry, "isCompactSummary")) {
      auto body = content_text(*content, stats_->ignored_blocks);
      if (!body) return missing("message.content", "a string or an array of content blocks");
      // Versions that write a compact_boundary first: the summary follows it; older ones
      // mark the compaction only by this message.
      if (after_boundary_) {
        out.push_back({items::context_text{"summary", std::move(*body)}, where});
      } else {
        out.push_back({items::compaction{std::move(*body)}, where});
      }
      after_boundary_ = false;
      return std::nullopt;
    }
    after_boundary_ = false;
    const bool meta = bool_member(entry, "isMeta");
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
        out.push_back({items::tool_result{*id, std::move(*body), bool_member(block, "is_error"),
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
    for (std::size_t i = 0; i < content->size(); ++i) {
      const auto& block = (*content)[i];
      const auto at = path("message.content", i);
      const auto* type = string_member(block, "type");
      if (type == nullptr) return missing(path(at, "type"), "a string");
      if (*type == "text") {
        const auto* body = string_member(block, "text");
        if (body == nullptr) return missing(path(at, "text"), "a string");
        out.push_back({items::assistant_text{*body}, where});
      } else if (*type == "thinking") {
        const auto* body = string_member(block, "thinking");
        if (options_->include_thinking && body != nullptr) {
          out.push_back({items::assistant_text{*body}, where});
        }
      } else if (*type == "tool_use") {
        const auto* call_id = string_member(block, "id");
        if (call_id == nullptr) return missing(path(at, "id"), "a string");
        const auto* name = string_member(block, "name");
        if (name == nullptr || text::trim(*name).empty()) return missing(path(at, "name"), "a non-empty string");
        const auto* input = member(block, "input");
        origin call_where = where;
        call_where.native_id = *call_id;
        out.push_back({items::tool_call{*call_id, std::string(text::trim(*name)),
                                        input != nullptr ? *input : json::object(), false},
                       call_where});
      } else {
        // redacted_thinking; server-side tools (server_tool_use, web_search_tool_result)
        // whose results live inside the same message.
        ++stats_->ignored_blocks;
      }
    }
    return std::nullopt;
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
