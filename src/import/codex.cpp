// Codex CLI rollout (~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl) line parser
// (spec/import.md IM-15.3). Two shapes: the current one, where every line is
// {"timestamp", "type", "payload"}, and the older one (2025), whose first line is
// {"id", "timestamp", "instructions", "git"} and whose items are bare response items
// between {"record_type": "state"} lines.
#include <algorithm>

#include "clawvm/import/formats.hpp"
#include "clawvm/import/json_fields.hpp"
#include "clawvm/json_text.hpp"

namespace clawvm::import {

namespace {

using namespace fields;

// Ancestor session ids a forked or sub-agent rollout may repeat the header of; bounded.
constexpr std::size_t ancestors_max = 16;

// The text of a function_call_output `output`: a string; an object with a string
// `content` (older payload form); or an array of content items (text blocks joined).
std::optional<std::string> output_text(const json& output, std::uint64_t& ignored_blocks) {
  if (output.is_string()) return output.get<std::string>();
  if (output.is_object()) {
    if (const auto* content = member(output, "content")) {
      if (content->is_string()) return content->get<std::string>();
      return content_text(*content, ignored_blocks);
    }
    return std::nullopt;
  }
  return content_text(output, ignored_blocks);
}

// The parent a session_meta names: a fork (forked_from_id), a sub-agent thread
// (parent_thread_id, source.subagent.thread_spawn.parent_thread_id).
std::vector<std::string> parents_of(const json& payload) {
  std::vector<std::string> ids;
  for (const char* key : {"forked_from_id", "parent_thread_id"}) {
    if (const auto* id = string_member(payload, key)) ids.push_back(*id);
  }
  if (const auto* source = member(payload, "source")) {
    if (const auto* sub = member(*source, "subagent")) {
      if (const auto* spawn = member(*sub, "thread_spawn")) {
        if (const auto* id = string_member(*spawn, "parent_thread_id")) ids.push_back(*id);
      }
    }
  }
  return ids;
}

constexpr std::string_view user_shell_open = "<user_shell_command>";

std::string_view between(std::string_view text, std::string_view open, std::string_view close) {
  const auto a = text.find(open);
  if (a == std::string_view::npos) return {};
  const auto from = a + open.size();
  const auto b = text.find(close, from);
  return text::trim(text.substr(from, b == std::string_view::npos ? std::string_view::npos : b - from));
}

class codex_parser final : public format_parser {
 public:
  codex_parser(const import_options& options, import_stats& stats)
      : options_(&options), stats_(&stats) {}

  std::optional<line_problem> parse(const json& entry, std::uint64_t line,
                                    const workload_builder& builder,
                                    std::vector<located_item>& out) override {
    ++entries_;
    if (!entry.is_object()) {
      return line_problem{problem_kind::not_an_object, "", "entry is not a JSON object", false};
    }
    const auto where = origin_of(entry, line, "");
    if (entries_ == 1 && member(entry, "type") == nullptr && member(entry, "record_type") == nullptr) {
      return parse_legacy_header(entry, where, out);
    }
    if (const auto* record = member(entry, "record_type"); record != nullptr && member(entry, "type") == nullptr) {
      // Rollout state markers (older rollouts, some newer ones): no content.
      if (!record->is_string()) return missing("record_type", "a string");
      stats_->count_ignored("record_type:" + record->get<std::string>());
      return std::nullopt;
    }
    const auto* type = string_member(entry, "type");
    if (type == nullptr) return missing("type", "a string");
    if (legacy_) return parse_response_item(entry, "", where, builder, out);

    if (*type == "session_meta") return parse_session_meta(entry, where, out);
    auto problem = parse_entry(*type, entry, where, builder, out);
    if (problem) return problem;
    if (entries_ == 1) {
      return line_problem{problem_kind::missing_header, "type",
                          fmt::format("expected a 'session_meta' first line, found '{}'", type->substr(0, 64)),
                          true};
    }
    return std::nullopt;
  }

 private:
  // The older rollout's first line: {"id", "timestamp", "instructions": string|null, "git"}.
  std::optional<line_problem> parse_legacy_header(const json& entry, const origin& where,
                                                  std::vector<located_item>& out) {
    const auto* id = string_member(entry, "id");
    if (id == nullptr) return missing("id", "a string (the first line of an older rollout)");
    const auto* instructions = member(entry, "instructions");
    if (instructions != nullptr && !instructions->is_null() && !instructions->is_string()) {
      return missing("instructions", "a string or null");
    }
    legacy_ = true;
    out.push_back({items::session_start{*id}, where});
    if (instructions != nullptr && instructions->is_string()) {
      out.push_back({items::system_text{instructions->get<std::string>()}, where});
    }
    return std::nullopt;
  }

  std::optional<line_problem> parse_session_meta(const json& entry, const origin& where,
                                                 std::vector<located_item>& out) {
    const auto* payload = member(entry, "payload");
    if (payload == nullptr || !payload->is_object()) return missing("payload", "an object");
    const auto* id = string_member(*payload, "id");
    if (id == nullptr) return missing("payload.id", "a string");
    if (entries_ != 1) {
      // A forked or sub-agent rollout repeats its parent's header (and the parent's
      // history after it, which is this session's context too).
      if (std::find(known_sessions_.begin(), known_sessions_.end(), *id) == known_sessions_.end()) {
        return line_problem{problem_kind::duplicate_header, "payload.id",
                            "a second session_meta of a session that is neither this one nor its parent", false};
      }
      remember_parents(*payload);
      stats_->count_ignored("session_meta/parent");
      return std::nullopt;
    }
    known_sessions_.push_back(*id);
    remember_parents(*payload);
    out.push_back({items::session_start{*id}, where});
    // Instructions recorded with the session (older releases: user instructions; newer:
    // base_instructions.text, the system prompt) are bootstrap content.
    if (const auto* instructions = string_member(*payload, "instructions")) {
      out.push_back({items::system_text{*instructions}, where});
    }
    if (const auto* base = member(*payload, "base_instructions")) {
      if (const auto* body = string_member(*base, "text")) out.push_back({items::system_text{*body}, where});
    }
    return std::nullopt;
  }

  void remember_parents(const json& payload) {
    for (auto& parent : parents_of(payload)) {
      if (known_sessions_.size() >= ancestors_max) return;
      if (std::find(known_sessions_.begin(), known_sessions_.end(), parent) == known_sessions_.end()) {
        known_sessions_.push_back(std::move(parent));
      }
    }
  }

  std::optional<line_problem> parse_entry(const std::string& type, const json& entry,
                                          const origin& where, const workload_builder& builder,
                                          std::vector<located_item>& out) {
    const auto* payload = member(entry, "payload");
    if (type == "turn_context" || type == "world_state" || type == "inter_agent_communication" ||
        type == "inter_agent_communication_metadata") {
      // Per-turn settings; the world-state snapshot used to diff the next turn's context;
      // multi-agent delivery records (what reaches this agent's model is a response_item).
      stats_->count_ignored(type);
      return std::nullopt;
    }
    if (payload == nullptr || !payload->is_object()) return missing("payload", "an object");
    if (type == "event_msg") return parse_event(*payload, where, out);
    if (type == "compacted") {
      const auto* message = member(*payload, "message");
      if (message != nullptr && !message->is_string()) return missing("payload.message", "a string");
      out.push_back({items::compaction{message != nullptr ? message->get<std::string>() : std::string(), std::nullopt},
                     where});
      return std::nullopt;
    }
    if (type == "response_item") return parse_response_item(*payload, "payload.", where, builder, out);
    return unknown_type("type", type);
  }

  // UI events repeat what response_item lines record, except a command the user ran in
  // the TUI (`!cmd`): its exec_command_end (or, in paginated rollouts, the completed
  // CommandExecution item) with source user_shell is the record of a tool call.
  std::optional<line_problem> parse_event(const json& payload, const origin& where, std::vector<located_item>& out) {
    const auto* type = string_member(payload, "type");
    if (type == nullptr) return missing("payload.type", "a string");
    const json* run = nullptr;
    std::string prefix = "payload.";
    if (*type == "exec_command_end") run = &payload;
    if (*type == "item_completed") {
      const auto* item = member(payload, "item");
      const auto* kind = item != nullptr ? string_member(*item, "type") : nullptr;
      if (kind != nullptr && *kind == "CommandExecution") run = item;
      prefix = "payload.item.";
    }
    const auto* source = run != nullptr ? string_member(*run, "source") : nullptr;
    if (source == nullptr || *source != "user_shell") {
      stats_->count_ignored("event_msg/" + *type);
      return std::nullopt;
    }
    const auto* command = member(*run, "command");
    if (command == nullptr || !(command->is_string() || command->is_array())) {
      return missing(prefix + "command", "a string or an array of strings");
    }
    std::string output;
    for (const char* key : {"formatted_output", "aggregated_output", "stdout"}) {
      if (const auto* text = string_member(*run, key)) {
        output = *text;
        break;
      }
    }
    bool is_error = false;
    if (const auto* code = member(*run, "exit_code"); code != nullptr && code->is_number_integer()) {
      is_error = code->get<std::int64_t>() != 0;
    }
    const auto* id = string_member(*run, *type == "exec_command_end" ? "call_id" : "id");
    const std::string call_id = id != nullptr ? *id : fmt::format("user_shell@{}", where.line);
    user_shell_call(call_id, json{{"command", *command}}, std::move(output), is_error, prefix + "command", where, out);
    // The model's copy of it (a <user_shell_command> message) follows: it is this call.
    shell_copy_expected_ = true;
    return std::nullopt;
  }

  void user_shell_call(const std::string& call_id, json arguments, std::string output, bool is_error,
                       std::string field, const origin& where, std::vector<located_item>& out) {
    origin call_where = where;
    call_where.native_id = call_id;
    out.push_back({items::tool_call{call_id, "user_shell", std::move(arguments), true}, call_where});
    out.push_back({items::tool_result{call_id, std::move(output), is_error, std::move(field)}, call_where});
  }

  // A user message that wraps a command the user ran: a tool call (IM-15.3), unless it is
  // the copy of one an exec_command_end line already recorded.
  bool user_shell_message(const std::string& body, const origin& where, std::vector<located_item>& out) {
    if (text::trim(body).substr(0, user_shell_open.size()) != user_shell_open) return false;
    if (shell_copy_expected_) {
      shell_copy_expected_ = false;
      stats_->count_ignored("response_item/user_shell_command-copy");
      return true;
    }
    const auto command = between(body, "<command>", "</command>");
    const auto result = between(body, "<result>", "</result>");
    const auto code = between(result, "Exit code:", "\n");
    const bool is_error = !code.empty() && code != "0";
    const auto output_at = result.find("Output:");
    std::string output(output_at == std::string_view::npos ? result : text::trim(result.substr(output_at + 7)));
    user_shell_call(fmt::format("user_shell@{}", where.line), json{{"command", std::string(command)}},
                    std::move(output), is_error, "payload.content", where, out);
    return true;
  }

  std::optional<line_problem> parse_response_item(const json& item, const std::string& prefix, const origin& where,
                                                  const workload_builder& builder,
                                                  std::vector<located_item>& out) {
    const auto* type = string_member(item, "type");
    if (type == nullptr) return missing(prefix + "type", "a string");
    const bool copy_expected = shell_copy_expected_;
    auto problem = response_item_of(*type, item, prefix, where, builder, out);
    // Only the item right after a user-shell exec_command_end can be its copy.
    if (copy_expected) shell_copy_expected_ = false;
    return problem;
  }

  std::optional<line_problem> response_item_of(const std::string& type, const json& item, const std::string& prefix,
                                               const origin& where, const workload_builder& builder,
                                               std::vector<located_item>& out) {
    if (type == "message") return message_item(item, prefix, where, out);
    if (type == "reasoning") return reasoning_item(item, where, builder, out);
    if (type == "function_call" || type == "custom_tool_call" || type == "local_shell_call") {
      return call_item(type, item, prefix, where, out);
    }
    if (type == "function_call_output" || type == "custom_tool_call_output") return output_item(item, prefix, where, out);
    if (type == "web_search_call" || type == "ghost_snapshot" || type == "image_generation_call" ||
        type == "tool_search_call" || type == "tool_search_output" || type == "compaction" ||
        type == "context_compaction") {
      // Server-side search (no output item), undo snapshots, image generation, tool
      // discovery, and compaction markers (the compaction itself is the `compacted` line).
      stats_->count_ignored("response_item/" + type);
      return std::nullopt;
    }
    return unknown_type(prefix + "type", type);
  }

  std::optional<line_problem> message_item(const json& item, const std::string& prefix, const origin& where,
                                           std::vector<located_item>& out) {
    const auto* role = string_member(item, "role");
    if (role == nullptr) return missing(prefix + "role", "a string");
    const auto* content = member(item, "content");
    auto body = content != nullptr ? content_text(*content, stats_->ignored_blocks) : std::nullopt;
    if (!body) return missing(prefix + "content", "a string or an array of content items");
    if (*role == "user") {
      if (user_shell_message(*body, where, out)) return std::nullopt;
      // <user_instructions> / <environment_context> are recognised by the builder (IM-10).
      out.push_back({items::user_text{std::move(*body), false}, where});
    } else if (*role == "assistant") {
      out.push_back({items::assistant_text{std::move(*body)}, where});
    } else if (*role == "developer" || *role == "system") {
      out.push_back({items::system_text{std::move(*body)}, where});
    } else {
      return unknown_type(prefix + "role", *role);
    }
    return std::nullopt;
  }

  std::optional<line_problem> reasoning_item(const json& item, const origin& where, const workload_builder& builder,
                                             std::vector<located_item>& out) {
    // Model output: it belongs to (or starts) a model call even when not imported.
    if (!builder.model_call_open()) out.push_back({items::model_call{}, where});
    if (!options_->include_thinking) return std::nullopt;
    std::string body;
    if (const auto* summary = member(item, "summary"); summary != nullptr && summary->is_array()) {
      for (const auto& part : *summary) {
        if (const auto* t = string_member(part, "text")) {
          if (!body.empty()) body += "\n\n";
          body += *t;
        }
      }
    }
    if (!body.empty()) out.push_back({items::assistant_text{std::move(body)}, where});
    return std::nullopt;
  }

  std::optional<line_problem> call_item(const std::string& type, const json& item, const std::string& prefix,
                                        const origin& where, std::vector<located_item>& out) {
    const auto* call_id = string_member(item, "call_id");
    if (call_id == nullptr && type == "local_shell_call") call_id = string_member(item, "id");
    if (call_id == nullptr) return missing(prefix + "call_id", "a string");
    std::string name = "local_shell";
    json arguments;
    if (type == "local_shell_call") {
      const auto* action = member(item, "action");
      if (action == nullptr) return missing(prefix + "action", "a JSON value");
      arguments = *action;
    } else {
      const auto* n = string_member(item, "name");
      if (n == nullptr || text::trim(*n).empty()) return missing(prefix + "name", "a non-empty string");
      name = std::string(text::trim(*n));
      if (type == "function_call") {
        // `arguments` is JSON text; text that does not parse as bounded JSON (JR-10; two
        // levels are left for the workload line that will carry it) is kept as a string.
        const auto* raw = string_member(item, "arguments");
        if (raw == nullptr) return missing(prefix + "arguments", "a string");
        json_text_error ignored;
        if (!parse_json_text(*raw, arguments, ignored, json_depth_max - 2)) arguments = *raw;
      } else {
        const auto* input = string_member(item, "input");
        if (input == nullptr) return missing(prefix + "input", "a string");
        arguments = json{{"input", *input}};
      }
    }
    origin call_where = where;
    call_where.native_id = *call_id;
    out.push_back({items::tool_call{*call_id, std::move(name), std::move(arguments), false}, call_where});
    return std::nullopt;
  }

  std::optional<line_problem> output_item(const json& item, const std::string& prefix, const origin& where,
                                          std::vector<located_item>& out) {
    const auto* call_id = string_member(item, "call_id");
    if (call_id == nullptr) return missing(prefix + "call_id", "a string");
    const auto* output = member(item, "output");
    if (output == nullptr) return missing(prefix + "output", "a string, an object or an array");
    auto body = output_text(*output, stats_->ignored_blocks);
    if (!body) return missing(prefix + "output", "a string, an object with content, or an array");
    bool is_error = false;
    if (output->is_object()) {
      if (const auto* success = member(*output, "success"); success != nullptr && success->is_boolean()) {
        is_error = !success->get<bool>();
      }
    }
    origin result_where = where;
    result_where.native_id = *call_id;
    out.push_back({items::tool_result{*call_id, std::move(*body), is_error, prefix + "call_id"}, result_where});
    return std::nullopt;
  }

  const import_options* options_;
  import_stats* stats_;
  std::uint64_t entries_ = 0;
  bool legacy_ = false;               // the older rollout shape (bare items)
  bool shell_copy_expected_ = false;  // a user-shell exec_command_end was just imported
  std::vector<std::string> known_sessions_;  // this session and its ancestors
};

}  // namespace

std::unique_ptr<format_parser> make_codex_parser(const import_options& options, import_stats& stats) {
  return std::make_unique<codex_parser>(options, stats);
}

}  // namespace clawvm::import
