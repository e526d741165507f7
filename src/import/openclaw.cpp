// OpenClaw / pi session line parser (spec/import.md IM-15.1): versions 1 (no version, no
// entry ids, firstKeptEntryIndex), 2 (id/parentId, role hookMessage) and 3 (current).
#include <deque>

#include "clawvm/import/formats.hpp"
#include "clawvm/import/json_fields.hpp"

namespace clawvm::import {

namespace {

using namespace fields;

// Entries remembered for compaction references (firstKeptEntryId / firstKeptEntryIndex);
// a compaction keeps the recent past, so older entries are forgotten (IM-3).
constexpr std::size_t remembered_entries_max = 65536;

struct remembered_entry {
  std::uint64_t index = 0;  // among the file's entries, the header being 0 (pi version 1)
  std::string id;           // "" in version 1 files
  std::uint64_t line = 0;
};

class openclaw_parser final : public format_parser {
 public:
  openclaw_parser(const import_options& options, import_stats& stats)
      : options_(&options), stats_(&stats) {}

  std::optional<line_problem> parse(const json& entry, std::uint64_t line,
                                    const workload_builder& /*builder*/,
                                    std::vector<located_item>& out) override {
    ++entries_;
    if (!entry.is_object()) {
      return line_problem{problem_kind::not_an_object, "", "entry is not a JSON object", false};
    }
    const auto* type = string_member(entry, "type");
    if (type == nullptr) return missing("type", "a string");
    const auto where = origin_of(entry, line, "id");

    if (*type == "session") {
      if (entries_ != 1) {
        return line_problem{problem_kind::duplicate_header, "type",
                            "a second session header (one session per file)", false};
      }
      const auto* id = string_member(entry, "id");
      if (id == nullptr) return missing("id", "a string");
      // Version 1 files have no version; any version is read the same way (IM-15.1).
      if (const auto* version = member(entry, "version"); version != nullptr && !version->is_number_unsigned()) {
        return missing("version", "a non-negative integer");
      }
      out.push_back({items::session_start{*id}, where});
      return std::nullopt;
    }
    remember(entry, line);
    auto problem = parse_entry(*type, entry, where, out);
    if (problem) return problem;
    if (entries_ == 1) {
      // No header: the session is named after the file; the line itself still imports.
      return line_problem{problem_kind::missing_header, "type",
                          fmt::format("expected a 'session' header on the first line, found '{}'",
                                      type->substr(0, 64)),
                          true};
    }
    return std::nullopt;
  }

 private:
  std::optional<line_problem> parse_entry(const std::string& type, const json& entry,
                                          const origin& where, std::vector<located_item>& out) {
    if (type == "message") return parse_message(entry, where, out);
    if (type == "compaction") return parse_compaction(entry, where, out);
    if (type == "branch_summary") {
      const auto* summary = string_member(entry, "summary");
      if (summary == nullptr) return missing("summary", "a string");
      out.push_back({items::context_text{"summary", *summary}, where});
      return std::nullopt;
    }
    if (type == "custom_message") {
      const auto* content = member(entry, "content");
      auto body = content != nullptr ? content_text(*content, stats_->ignored_blocks) : std::nullopt;
      if (!body) return missing("content", "a string or an array of content blocks");
      out.push_back({items::context_text{"custom", std::move(*body)}, where});
      return std::nullopt;
    }
    // Entries that carry no context state: model and thinking settings, extension state,
    // labels, the session name.
    if (type == "model_change" || type == "thinking_level_change" || type == "custom" ||
        type == "label" || type == "session_info") {
      stats_->count_ignored(type);
      return std::nullopt;
    }
    return unknown_type("type", type);
  }

  void remember(const json& entry, std::uint64_t line) {
    const auto* id = string_member(entry, "id");
    recent_.push_back(remembered_entry{entries_ - 1, id != nullptr ? *id : std::string(), line});
    if (recent_.size() > remembered_entries_max) recent_.pop_front();
  }

  // pi builds the prompt after a compaction from its summary, then the entries from
  // firstKeptEntryId (version 1: firstKeptEntryIndex) to the compaction, then later ones:
  // those are kept, not destroyed (IM-12).
  std::optional<line_problem> parse_compaction(const json& entry, const origin& where,
                                               std::vector<located_item>& out) {
    items::compaction c;
    if (const auto* summary = member(entry, "summary")) {
      if (!summary->is_string()) return missing("summary", "a string");
      c.summary = summary->get<std::string>();
    }
    std::optional<line_problem> dangling;
    const auto* kept_id = member(entry, "firstKeptEntryId");
    const auto* kept_index = member(entry, "firstKeptEntryIndex");
    if (kept_id != nullptr && !kept_id->is_null()) {
      if (!kept_id->is_string()) return missing("firstKeptEntryId", "a string");
      c.first_kept_line = find_kept([&](const remembered_entry& e) { return e.id == kept_id->get_ref<const std::string&>(); });
      if (!c.first_kept_line) dangling = dangling_kept("firstKeptEntryId", "names no earlier entry of this session");
    } else if (kept_index != nullptr && !kept_index->is_null()) {
      if (!kept_index->is_number_unsigned()) return missing("firstKeptEntryIndex", "a non-negative integer");
      const auto index = kept_index->get<std::uint64_t>();
      // Index 0 is the header: everything before the compaction is kept.
      c.first_kept_line = index == 0 ? std::optional<std::uint64_t>(1)
                                     : find_kept([&](const remembered_entry& e) { return e.index == index; });
      if (!c.first_kept_line) dangling = dangling_kept("firstKeptEntryIndex", "is not the index of an earlier entry");
    }
    out.push_back({std::move(c), where});
    return dangling;
  }

  template <typename Match>
  std::optional<std::uint64_t> find_kept(Match match) const {
    // The compaction itself is the last remembered entry: only earlier ones can be kept.
    for (std::size_t i = 0; i + 1 < recent_.size(); ++i) {
      if (match(recent_[i])) return recent_[i].line;
    }
    return std::nullopt;
  }

  static line_problem dangling_kept(std::string field, std::string_view what) {
    // The compaction still imports (lenient), keeping nothing but pinned pages.
    return line_problem{problem_kind::dangling_reference, std::move(field), std::string(what), true};
  }

  std::optional<line_problem> parse_message(const json& entry, const origin& where,
                                            std::vector<located_item>& out) {
    const auto* message = member(entry, "message");
    if (message == nullptr || !message->is_object()) return missing("message", "an object");
    const auto* role = string_member(*message, "role");
    if (role == nullptr) return missing("message.role", "a string");
    const auto* content = member(*message, "content");

    // Version 2 called extension messages "hookMessage"; version 3 renamed it "custom".
    if (*role == "user" || *role == "custom" || *role == "hookMessage") {
      auto body = content != nullptr ? content_text(*content, stats_->ignored_blocks) : std::nullopt;
      if (!body) return missing("message.content", "a string or an array of content blocks");
      if (*role == "user") {
        out.push_back({items::user_text{std::move(*body), false}, where});
      } else {
        out.push_back({items::context_text{"custom", std::move(*body)}, where});
      }
      return std::nullopt;
    }
    if (*role == "assistant") return parse_assistant(content, where, out);
    if (*role == "toolResult") {
      const auto* call_id = string_member(*message, "toolCallId");
      if (call_id == nullptr) return missing("message.toolCallId", "a string");
      std::optional<std::string> body = std::string();
      if (content != nullptr) body = content_text(*content, stats_->ignored_blocks);
      if (!body) return missing("message.content", "a string or an array of content blocks");
      out.push_back({items::tool_result{*call_id, std::move(*body), is_true(*message, "isError"),
                                        "message.toolCallId"},
                     where});
      return std::nullopt;
    }
    if (*role == "bashExecution") {
      // A command the user ran (`!cmd`); `!!cmd` (excludeFromContext) never reaches the model.
      if (is_true(*message, "excludeFromContext")) {
        stats_->count_ignored("message/bashExecution-excluded");
        return std::nullopt;
      }
      const auto* command = string_member(*message, "command");
      if (command == nullptr) return missing("message.command", "a string");
      const auto* output = string_member(*message, "output");
      const std::string call_id = fmt::format("bashExecution@{}", where.line);
      items::tool_call call{call_id, "bash", json{{"command", *command}}, true};
      out.push_back({std::move(call), where});
      out.push_back({items::tool_result{call_id, output != nullptr ? *output : std::string(), false,
                                        "message.command"},
                     where});
      return std::nullopt;
    }
    if (*role == "branchSummary" || *role == "compactionSummary") {
      const auto* summary = string_member(*message, "summary");
      if (summary == nullptr) return missing("message.summary", "a string");
      out.push_back({items::context_text{"summary", *summary}, where});
      return std::nullopt;
    }
    return unknown_type("message.role", *role);
  }

  std::optional<line_problem> parse_assistant(const json* content, const origin& where,
                                              std::vector<located_item>& out) {
    if (content == nullptr || !content->is_array()) {
      return missing("message.content", "an array of content blocks");
    }
    // Each assistant message is one model call (IM-6).
    out.push_back({items::model_call{}, where});
    return read_assistant_blocks(*content, "message.content", where, {"toolCall", "arguments"},
                                 options_->include_thinking, stats_->ignored_blocks, out);
  }

  const import_options* options_;
  import_stats* stats_;
  std::uint64_t entries_ = 0;
  std::deque<remembered_entry> recent_;
};

}  // namespace

std::unique_ptr<format_parser> make_openclaw_parser(const import_options& options, import_stats& stats) {
  return std::make_unique<openclaw_parser>(options, stats);
}

}  // namespace clawvm::import
