// Codex CLI rollout (~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl) line parser
// (spec/import.md IM-15.3). Every line is {"timestamp", "type", "payload"}.
#include "clawvm/import/formats.hpp"
#include "clawvm/import/json_fields.hpp"
#include "clawvm/json_text.hpp"

namespace clawvm::import {

namespace {

using namespace fields;

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
    const auto* type = string_member(entry, "type");
    if (type == nullptr) return missing("type", "a string");
    const auto where = origin_of(entry, line, "");

    if (*type == "session_meta") {
      if (entries_ != 1) {
        return line_problem{problem_kind::duplicate_header, "type",
                            "a second session_meta (one session per file)", false};
      }
      const auto* payload = member(entry, "payload");
      if (payload == nullptr || !payload->is_object()) return missing("payload", "an object");
      const auto* id = string_member(*payload, "id");
      if (id == nullptr) return missing("payload.id", "a string");
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
  std::optional<line_problem> parse_entry(const std::string& type, const json& entry,
                                          const origin& where, const workload_builder& builder,
                                          std::vector<located_item>& out) {
    if (type == "turn_context" || type == "event_msg") {
      // Per-turn settings, and UI events that repeat what response_item lines record.
      ++stats_->ignored_entries;
      return std::nullopt;
    }
    const auto* payload = member(entry, "payload");
    if (payload == nullptr || !payload->is_object()) return missing("payload", "an object");
    if (type == "compacted") {
      const auto* message = string_member(*payload, "message");
      out.push_back({items::compaction{message != nullptr ? *message : std::string()}, where});
      return std::nullopt;
    }
    if (type == "response_item") return parse_response_item(*payload, where, builder, out);
    return unknown_type("type", type);
  }

  std::optional<line_problem> parse_response_item(const json& item, const origin& where,
                                                  const workload_builder& builder,
                                                  std::vector<located_item>& out) {
    const auto* type = string_member(item, "type");
    if (type == nullptr) return missing("payload.type", "a string");
    if (*type == "message") {
      const auto* role = string_member(item, "role");
      if (role == nullptr) return missing("payload.role", "a string");
      const auto* content = member(item, "content");
      auto body = content != nullptr ? content_text(*content, stats_->ignored_blocks) : std::nullopt;
      if (!body) return missing("payload.content", "a string or an array of content items");
      if (*role == "user") {
        // <user_instructions> / <environment_context> are recognised by the builder (IM-7).
        out.push_back({items::user_text{std::move(*body), false}, where});
      } else if (*role == "assistant") {
        out.push_back({items::assistant_text{std::move(*body)}, where});
      } else if (*role == "developer" || *role == "system") {
        out.push_back({items::system_text{std::move(*body)}, where});
      } else {
        return unknown_type("payload.role", *role);
      }
      return std::nullopt;
    }
    if (*type == "reasoning") {
      // Model output: it belongs to (or starts) a model call even when not imported.
      if (!builder.model_call_open()) out.push_back({items::model_call{}, where});
      if (options_->include_thinking) {
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
      }
      return std::nullopt;
    }
    if (*type == "function_call" || *type == "custom_tool_call" || *type == "local_shell_call") {
      const auto* call_id = string_member(item, "call_id");
      if (call_id == nullptr && *type == "local_shell_call") call_id = string_member(item, "id");
      if (call_id == nullptr) return missing("payload.call_id", "a string");
      std::string name = "local_shell";
      json arguments;
      if (*type == "local_shell_call") {
        const auto* action = member(item, "action");
        if (action == nullptr) return missing("payload.action", "a JSON value");
        arguments = *action;
      } else {
        const auto* n = string_member(item, "name");
        if (n == nullptr || text::trim(*n).empty()) return missing("payload.name", "a non-empty string");
        name = std::string(text::trim(*n));
        if (*type == "function_call") {
          // `arguments` is JSON text; text that does not parse as bounded JSON (JR-10; two
          // levels are left for the workload line that will carry it) is kept as a string.
          const auto* raw = string_member(item, "arguments");
          if (raw == nullptr) return missing("payload.arguments", "a string");
          json_text_error ignored;
          if (!parse_json_text(*raw, arguments, ignored, json_depth_max - 2)) arguments = *raw;
        } else {
          const auto* input = string_member(item, "input");
          if (input == nullptr) return missing("payload.input", "a string");
          arguments = json{{"input", *input}};
        }
      }
      origin call_where = where;
      call_where.native_id = *call_id;
      out.push_back({items::tool_call{*call_id, std::move(name), std::move(arguments), false}, call_where});
      return std::nullopt;
    }
    if (*type == "function_call_output" || *type == "custom_tool_call_output") {
      const auto* call_id = string_member(item, "call_id");
      if (call_id == nullptr) return missing("payload.call_id", "a string");
      const auto* output = member(item, "output");
      if (output == nullptr) return missing("payload.output", "a string, an object or an array");
      auto body = output_text(*output, stats_->ignored_blocks);
      if (!body) return missing("payload.output", "a string, an object with content, or an array");
      bool is_error = false;
      if (output->is_object()) {
        if (const auto* success = member(*output, "success"); success != nullptr && success->is_boolean()) {
          is_error = !success->get<bool>();
        }
      }
      origin result_where = where;
      result_where.native_id = *call_id;
      out.push_back({items::tool_result{*call_id, std::move(*body), is_error, "payload.call_id"}, result_where});
      return std::nullopt;
    }
    if (*type == "web_search_call" || *type == "ghost_snapshot" || *type == "image_generation_call") {
      // Server-side search (no output item), undo snapshots, image generation.
      ++stats_->ignored_entries;
      return std::nullopt;
    }
    return unknown_type("payload.type", *type);
  }

  const import_options* options_;
  import_stats* stats_;
  std::uint64_t entries_ = 0;
};

}  // namespace

std::unique_ptr<format_parser> make_codex_parser(const import_options& options, import_stats& stats) {
  return std::make_unique<codex_parser>(options, stats);
}

}  // namespace clawvm::import
