// The workload builder (spec/import.md IM-6..IM-13): transcript items -> workload events.
#include "clawvm/import/builder.hpp"

#include <algorithm>
#include <limits>
#include <utility>

#include <fmt/core.h>
#include <gsl/assert>

#include "clawvm/fnv1a.hpp"
#include "clawvm/import/text.hpp"
#include "clawvm/json_text.hpp"
#include "clawvm/page_traits.hpp"
#include "clawvm/tool_signature.hpp"

namespace clawvm::import {

namespace {

// Calls awaiting a result are bounded: a transcript that never answers its calls must not
// grow memory without limit (IM-3). The oldest is emitted unanswered beyond this.
constexpr std::size_t pending_calls_max = 256;
// Reference keys kept per session (IM-11); later keys are not registered.
constexpr std::size_t reference_keys_max = 65536;
constexpr std::size_t reference_keys_per_call_max = 16;
// Signatures longer than this are keyed by prefix + hash + length (IM-11 bookkeeping only:
// the engine compares whole signatures itself).
constexpr std::size_t signature_key_bytes_max = 1024;
// Plan update values stay far below the journal's value_bytes_max (JR-3).
constexpr std::size_t plan_steps_max = 64;
constexpr std::size_t plan_title_bytes_max = 200;
// A string nested deeper than this inside arguments is not scanned for references.
constexpr int argument_walk_depth_max = 8;
// Pages remembered since the last compaction, for what a native compaction keeps (IM-12);
// older ones are forgotten (a compaction keeps far fewer).
constexpr std::size_t context_pages_max = 4096;

const page_defaults& defaults_of(const import_options& o, page_type t) {
  return o.pages[index_of(t)];
}

std::string sanitized_prefix(std::string_view session) {
  std::string out;
  for (const char c : session) {
    if (out.size() == 8) break;
    const bool ok = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    c == '-' || c == '_' || c == '.';
    if (ok) out.push_back(c);
  }
  return out.empty() ? std::string("s") : out;
}

std::string signature_key(const std::string& tool, const std::string& arguments_json) {
  auto sig = canonical_tool_signature(tool, arguments_json);
  std::string s = sig ? std::move(*sig) : tool + "(" + arguments_json + ")";
  if (s.size() <= signature_key_bytes_max) return s;
  return fmt::format("{}#{:016x}:{}", text::utf8_prefix(s, signature_key_bytes_max / 2),
                     fnv1a64(s), s.size());
}

std::string dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// Visits every string inside `j` (depth-limited), in document order (object keys sorted).
template <typename F>
void for_each_string(const nlohmann::json& j, F&& f, int depth = 0) {
  if (depth > argument_walk_depth_max) return;
  if (j.is_string()) {
    f(j.get_ref<const std::string&>());
  } else if (j.is_array() || j.is_object()) {
    for (const auto& v : j) for_each_string(v, f, depth + 1);
  }
}

// Plan steps of a plan tool's arguments (IM-13): the first array among todos / plan /
// steps / items; each element an object (title from content / step / title / text / task
// / description, status from status / state, or a boolean completed / done) or a string.
struct plan_step {
  std::string title;
  std::string status;  // "completed", "in_progress" or "pending"
};

std::string normalize_status(std::string_view raw) {
  const auto s = text::ascii_lower(raw);
  if (s == "completed" || s == "complete" || s == "done" || s == "finished") return "completed";
  if (s == "in_progress" || s == "in-progress" || s == "inprogress" || s == "active" ||
      s == "doing" || s == "current") {
    return "in_progress";
  }
  return "pending";
}

std::vector<plan_step> plan_steps_of(const nlohmann::json& args) {
  std::vector<plan_step> steps;
  if (!args.is_object()) return steps;
  const nlohmann::json* list = nullptr;
  for (const char* key : {"todos", "plan", "steps", "items"}) {
    const auto it = args.find(key);
    if (it != args.end() && it->is_array()) {
      list = &*it;
      break;
    }
  }
  if (list == nullptr) return steps;
  for (const auto& e : *list) {
    plan_step step;
    if (e.is_string()) {
      step.title = e.get<std::string>();
      step.status = "pending";
    } else if (e.is_object()) {
      for (const char* key : {"content", "step", "title", "text", "task", "description"}) {
        const auto it = e.find(key);
        if (it != e.end() && it->is_string()) {
          step.title = it->get<std::string>();
          break;
        }
      }
      step.status = "pending";
      bool have_status = false;
      for (const char* key : {"status", "state"}) {
        const auto it = e.find(key);
        if (it != e.end() && it->is_string()) {
          step.status = normalize_status(it->get_ref<const std::string&>());
          have_status = true;
          break;
        }
      }
      if (!have_status) {
        for (const char* key : {"completed", "done"}) {
          const auto it = e.find(key);
          if (it != e.end() && it->is_boolean()) {
            step.status = it->get<bool>() ? "completed" : "pending";
            break;
          }
        }
      }
    } else {
      continue;
    }
    steps.push_back(std::move(step));
  }
  return steps;
}

char status_mark(const std::string& status) {
  if (status == "completed") return 'x';
  if (status == "in_progress") return '>';
  return ' ';
}

}  // namespace

workload_builder::workload_builder(const import_options& options, std::string source_name,
                                   std::string fallback_session, const event_sink& sink,
                                   import_stats& stats)
    : options_(&options),
      source_(std::move(source_name)),
      fallback_session_(std::move(fallback_session)),
      sink_(&sink),
      stats_(&stats) {}

bool workload_builder::has_pending_call(std::string_view call_id) const {
  // Calls of the open model call count: they are pending as soon as the call closes, which
  // a result does first.
  const auto same = [&](const pending_call& c) { return c.call_id == call_id; };
  return std::any_of(pending_.begin(), pending_.end(), same) ||
         std::any_of(call_tools_.begin(), call_tools_.end(), same);
}

void workload_builder::emit(workload_event e) {
  ++stats_->events;
  (*sink_)(e);
}

void workload_builder::ensure_session() {
  if (session_started_) return;
  session_started_ = true;
  if (session_id_.empty()) session_id_ = fallback_session_.empty() ? std::string("session") : fallback_session_;
  prefix_ = sanitized_prefix(session_id_);
  plan_id_ = prefix_ + "/plan";
  emit(workload_events::session_start{session_id_});
}

std::string workload_builder::next_id(std::string_view kind, std::uint64_t& counter) const {
  ++counter;
  return fmt::format("{}/{}/{}", prefix_, kind, counter);
}

std::string workload_builder::provenance(const origin& where) const {
  if (where.native_id.empty()) return fmt::format("{}:{}", source_, where.line);
  return fmt::format("{}:{} {}", source_, where.line, text::one_line(where.native_id, 96));
}

page_spec workload_builder::make_spec(std::string id, page_type type, const origin& where,
                                      double recompute_cost, const page_texts& texts) const {
  const auto& d = defaults_of(*options_, type);
  page_spec s;
  s.id = std::move(id);
  s.type_name = std::string(to_string(type));
  s.scope = traits_of(type).default_scope;
  s.pin = d.pin;
  s.provenance = provenance(where);
  s.recompute_cost = recompute_cost;
  s.base_utility = d.base_utility;

  // Candidate representations by level; tokens by the documented estimator (IM-9).
  std::array<std::optional<representation>, level_count> candidate{};
  const auto cap = options_->representation_bytes_max;
  if (!texts.full.empty()) {
    candidate[index_of(level::full)] = representation{text::bounded(texts.full, cap), texts.full_tokens};
  }
  auto put = [&](level l, const std::optional<std::string>& content) {
    if (content) {
      candidate[index_of(l)] =
          representation{text::bounded(*content, cap), estimate_tokens(content->size())};
    }
  };
  put(level::compressed, texts.compressed);
  put(level::structured, texts.structured);
  put(level::pointer, texts.pointer);

  // Keep rule (IM-9): the floor always; full if it costs more than the floor; each level in
  // between (top down) if it costs strictly between the floor and the level kept above it.
  // So tokens strictly increase along the chain (PG-8 check 7) whatever the text.
  const chain& c = chain_of(type);
  const level floor = c.lowest();
  Expects(candidate[index_of(floor)].has_value());
  auto& full = candidate[index_of(level::full)];
  if (full && full->tokens <= candidate[index_of(floor)]->tokens) {
    // The text costs no more than its reference would: the text is its own floor (the
    // cheapest faithful representation) and the page has that one level.
    s.representations[index_of(floor)] = std::move(full);
    return s;
  }
  const auto floor_tokens = candidate[index_of(floor)]->tokens;
  s.representations[index_of(floor)] = candidate[index_of(floor)];
  std::uint32_t upper = std::numeric_limits<std::uint32_t>::max();
  if (full && full->tokens > floor_tokens) {
    upper = full->tokens;
    s.representations[index_of(level::full)] = std::move(full);
  }
  for (std::uint8_t i = 1; i + 1U < c.length; ++i) {
    auto& cand = candidate[index_of(c.levels[i])];
    if (cand && cand->tokens > floor_tokens && cand->tokens < upper) {
      upper = cand->tokens;
      s.representations[index_of(c.levels[i])] = std::move(cand);
    }
  }
  return s;
}

void workload_builder::ingest_page(page_spec spec, std::uint32_t full_tokens) {
  const auto type = parse_page_type(spec.type_name);
  Expects(type.has_value());
  ++stats_->pages[index_of(*type)];
  context_tokens_ += full_tokens;
  if (*type == page_type::bootstrap || *type == page_type::constraint) pinned_tokens_ += full_tokens;
  emit(workload_events::ingest{std::move(spec)});
}

std::optional<line_problem> workload_builder::apply(located_item located) {
  if (turn_limit_reached()) return std::nullopt;
  auto& where = located.where;
  return std::visit(
      [&](auto& item) -> std::optional<line_problem> {
        using T = std::decay_t<decltype(item)>;
        if constexpr (std::is_same_v<T, items::session_start>) {
          if (!session_started_) {
            session_id_ = item.session_id;
            ensure_session();
          }
        } else if constexpr (std::is_same_v<T, items::system_text>) {
          close_call();
          on_system_text(item.text, where);
        } else if constexpr (std::is_same_v<T, items::user_text>) {
          close_call();
          // A new user message: calls still waiting will not be answered (IM-6).
          if (!item.mid_turn) flush_pending_as_unanswered();
          on_user_text(item, where);
        } else if constexpr (std::is_same_v<T, items::context_text>) {
          close_call();
          on_conversation(item.role, item.text, where);
        } else if constexpr (std::is_same_v<T, items::model_call>) {
          close_call();
          open_call(where);
        } else if constexpr (std::is_same_v<T, items::assistant_text>) {
          if (!call_open_) open_call(where);
          if (!item.text.empty()) call_texts_.push_back(std::move(item.text));
        } else if constexpr (std::is_same_v<T, items::tool_call>) {
          if (item.user_initiated) {
            close_call();
          } else if (!call_open_) {
            open_call(where);
          }
          pending_call call;
          call.call_id = std::move(item.call_id);
          call.name = std::move(item.name);
          call.arguments = std::move(item.arguments);
          call.arguments_json = dump(call.arguments);
          call.signature_key = signature_key(call.name, call.arguments_json);
          call.kind = classify_tool(call.name, *options_);
          call.where = where;
          if (call.where.native_id.empty()) call.where.native_id = call.call_id;
          if (item.user_initiated) {
            pending_.push_back(std::move(call));
          } else {
            call_tools_.push_back(std::move(call));
          }
        } else if constexpr (std::is_same_v<T, items::tool_result>) {
          if (!has_pending_call(item.call_id)) {
            return line_problem{problem_kind::orphan_tool_result, item.field,
                                fmt::format("tool result for call id '{}' with no pending call",
                                            text::one_line(item.call_id, 64)),
                                true};
          }
          on_tool_result(item, where);
        } else if constexpr (std::is_same_v<T, items::compaction>) {
          close_call();
          on_compaction(item, where);
        }
        return std::nullopt;
      },
      located.item);
}

void workload_builder::finish() {
  close_call();
  if (turn_limit_reached()) {
    // Cut (max_turns): these calls are answered after the cut, in turns not imported.
    stats_->cut = true;
    stats_->calls_cut += pending_.size();
    pending_.clear();
  }
  flush_pending_as_unanswered();
  ensure_session();
  emit(workload_events::lifecycle{boundary::session_end});
}

// ---- pages from text ----

void workload_builder::on_system_text(const std::string& body, const origin& where) {
  if (text::trim(body).empty()) return;
  ensure_session();
  // The same instructions injected again (resumed sessions, repeated AGENTS.md) are one page.
  if (!bootstrap_seen_.insert(fnv1a64(body)).second) return;
  page_texts t;
  t.full = body;
  t.full_tokens = estimate_tokens(body.size());
  // structured (IM-9): the headings when there are at least 3 (up to 12), else the first 6
  // non-blank lines; each one-lined to 80 bytes; whole lines up to
  // bootstrap_structured_bytes_max (at least the first line, cut to it).
  std::vector<std::string_view> headings;
  for (auto line : text::first_nonblank_lines(body, 10000)) {
    if (!line.empty() && line[0] == '#') headings.push_back(line);
    if (headings.size() == 12) break;
  }
  if (headings.size() < 3) headings = text::first_nonblank_lines(body, 6);
  const auto cap = options_->bootstrap_structured_bytes_max;
  std::string digest;
  for (auto line : headings) {
    const auto entry = text::one_line(line, 80);
    if (digest.empty()) {
      digest = text::one_line(entry, cap);
      continue;
    }
    if (digest.size() + 1 + entry.size() > cap) break;
    digest += '\n';
    digest += entry;
  }
  t.structured = digest;
  auto spec = make_spec(next_id("boot", bootstrap_count_), page_type::bootstrap, where,
                        defaults_of(*options_, page_type::bootstrap).recompute_cost, t);
  ingest_page(std::move(spec), t.full_tokens);
}

void workload_builder::on_user_text(const items::user_text& message, const origin& where) {
  const auto& body = message.text;
  const auto head = text::utf8_prefix(body, 512);
  for (const auto& marker : options_->bootstrap_markers) {
    if (!marker.empty() && head.find(marker) != std::string_view::npos) {
      on_system_text(body, where);
      return;
    }
  }
  const auto start = text::trim(head);
  const bool harness_written =
      message.harness_written ||
      std::any_of(options_->harness_text_prefixes.begin(), options_->harness_text_prefixes.end(),
                  [&](const std::string& p) { return !p.empty() && start.substr(0, p.size()) == p; });
  if (harness_written) {
    on_conversation("harness", body, where);
    return;
  }
  on_conversation("user", body, where);

  // Rules (IM-10): new rule sentences of this message become one constraint page.
  std::vector<std::string> fresh;
  for (auto& rule : text::rule_sentences(body, options_->rule_openers)) {
    if (rules_seen_.insert(fnv1a64(text::ascii_lower(text::one_line(rule, 4096)))).second) {
      fresh.push_back(std::move(rule));
    }
  }
  if (fresh.empty()) return;
  if (rule_count_ >= options_->constraint_pages_max) {
    stats_->rules_dropped += fresh.size();
    return;
  }
  page_texts t;
  std::string joined;
  for (const auto& r : fresh) {
    if (!t.full.empty()) t.full += '\n';
    t.full += r;
    if (!joined.empty()) joined += "; ";
    joined += text::one_line(r, 64);
  }
  t.full_tokens = estimate_tokens(t.full.size());
  t.structured = "rules: " + text::one_line(joined, 96);
  auto spec = make_spec(next_id("rule", rule_count_), page_type::constraint, where,
                        defaults_of(*options_, page_type::constraint).recompute_cost, t);
  ingest_page(std::move(spec), t.full_tokens);
}

void workload_builder::on_conversation(std::string_view role, const std::string& body,
                                       const origin& where) {
  if (text::trim(body).empty()) return;
  ensure_session();
  const auto id = next_id("conv", conversation_count_);
  page_texts t;
  t.full = body;
  t.full_tokens = estimate_tokens(body.size());
  t.compressed = text::head_tail(body, options_->compressed_head_bytes, options_->compressed_tail_bytes);
  t.structured = fmt::format("{}: {}", role, text::one_line(body, 120));
  // pointer (IM-9): span id, role, timestamp (brief §1: "span id and timestamps").
  t.pointer = where.timestamp.empty()
                  ? fmt::format("{}: {} line {}", id, role, where.line)
                  : fmt::format("{}: {} {} line {}", id, role, text::one_line(where.timestamp, 40), where.line);
  auto spec = make_spec(id, page_type::conversation, where,
                        defaults_of(*options_, page_type::conversation).recompute_cost, t);
  ingest_page(std::move(spec), t.full_tokens);
  remember_context_page(where.line, id, t.full_tokens);
}

// ---- model calls and tools ----

void workload_builder::open_call(const origin& where) {
  call_open_ = true;
  call_origin_ = where;
  call_texts_.clear();
  call_tools_.clear();
}

void workload_builder::demand_references(std::string_view s) {
  text::for_each_token(s, [&](std::string_view token) {
    const auto it = page_by_reference_.find(std::string(token));
    if (it == page_by_reference_.end()) return;
    const auto& page = it->second;
    // A result that arrived since the last model call is demanded by its tool_call event.
    const auto appeared = evidence_turn_.find(page);
    if (appeared != evidence_turn_.end() && appeared->second == turn_) return;
    if (!demanded_this_turn_.insert(page).second) return;
    ++stats_->demands;
    emit(workload_events::demand{page, options_->reference_demand_level});
  });
}

void workload_builder::close_call() {
  if (!call_open_) return;
  call_open_ = false;
  if (turn_limit_reached()) {
    stats_->calls_cut += call_tools_.size();
    call_texts_.clear();
    call_tools_.clear();
    return;
  }
  ensure_session();
  // Synthesized compaction (IM-12): the harness compacts before assembling a prompt that
  // would not fit the window.
  if (options_->window_tokens > 0 && context_tokens_ > options_->window_tokens) compact(false);

  // Reference demands (IM-11): what this model call's output names, before its assembly.
  for (const auto& t : call_texts_) demand_references(t);
  for (const auto& call : call_tools_) {
    // A repeated signature is the engine's duplicate-call case (FT-3), not a reference.
    if (page_by_signature_.count(call.signature_key) != 0U) continue;
    for_each_string(call.arguments, [&](const std::string& s) { demand_references(s); });
  }

  emit(workload_events::turn_end{});
  ++turn_;
  ++stats_->turns;
  demanded_this_turn_.clear();

  std::string joined;
  for (const auto& t : call_texts_) {
    if (!joined.empty()) joined += "\n\n";
    joined += t;
  }
  on_conversation("assistant", joined, call_origin_);
  for (auto& call : call_tools_) {
    pending_.push_back(std::move(call));
    if (pending_.size() > pending_calls_max) {
      const auto oldest = std::move(pending_.front());
      pending_.pop_front();
      emit_tool_call(oldest, nullptr, false, oldest.where);
    }
  }
  call_texts_.clear();
  call_tools_.clear();
}

void workload_builder::on_tool_result(const items::tool_result& r, const origin& where) {
  close_call();  // a result is input to the next model call
  // Pairing by position (IM-6): the oldest pending call with this id.
  const auto it = std::find_if(pending_.begin(), pending_.end(),
                               [&](const pending_call& c) { return c.call_id == r.call_id; });
  Expects(it != pending_.end());
  const pending_call call = std::move(*it);
  pending_.erase(it);
  emit_tool_call(call, &r.text, r.is_error, where);
}

void workload_builder::flush_pending_as_unanswered() {
  while (!pending_.empty()) {
    const auto call = std::move(pending_.front());
    pending_.pop_front();
    emit_tool_call(call, nullptr, false, call.where);
  }
}

workload_builder::page_texts workload_builder::evidence_texts(const pending_call& call, const std::string& id,
                                                              const std::string* result, bool is_error) const {
  page_texts t;
  const auto signature_line = text::one_line(call.arguments_json, 32);
  t.pointer = fmt::format("{}: {} {}", id, call.name, signature_line);
  if (result == nullptr) {
    t.structured = fmt::format("{} {}: no result recorded", call.name, signature_line);
    return t;
  }
  t.full = *result;
  t.full_tokens = estimate_tokens(result->size());
  t.compressed = text::head_tail(*result, options_->compressed_head_bytes, options_->compressed_tail_bytes);
  std::string digest = fmt::format("{} {}: {} lines, {} bytes", call.name, is_error ? "error" : "result",
                                   text::line_count(*result), result->size());
  // A JSON object result is summarized by its keys (IM-9).
  const auto trimmed = text::trim(*result);
  if (!trimmed.empty() && trimmed.front() == '{') {
    nlohmann::json parsed;
    json_text_error ignored;
    if (parse_json_text(trimmed, parsed, ignored) && parsed.is_object()) {
      std::string keys;
      std::size_t n = 0;
      for (const auto& [k, v] : parsed.items()) {
        if (n++ == 8) {
          keys += ",...";
          break;
        }
        if (!keys.empty()) keys += ',';
        keys += text::one_line(k, 24);
      }
      digest += "; keys: " + keys;
    }
  }
  for (auto line : text::first_nonblank_lines(*result, 2)) {
    digest += '\n';
    digest += text::one_line(line, 72);
  }
  t.structured = digest;
  return t;
}

void workload_builder::emit_tool_call(const pending_call& call, const std::string* result,
                                      bool is_error, const origin& result_origin) {
  ensure_session();
  const auto known = page_by_signature_.find(call.signature_key);
  const bool repeated = known != page_by_signature_.end();
  // A repeated signature names the first call's page (the engine keeps that id, FT-3).
  const std::string id = repeated ? known->second : next_id("ev", evidence_count_);
  const page_texts t = evidence_texts(call, id, result, is_error);
  origin where = result_origin;
  where.native_id = call.call_id;
  auto spec = make_spec(id, page_type::evidence, where,
                        options_->recompute_cost_by_kind[static_cast<std::size_t>(call.kind)], t);

  const result_identity now{result != nullptr, is_error, result != nullptr ? result->size() : 0U,
                            result != nullptr ? fnv1a64(*result) : 0U};
  auto& state = result_state_[id];
  // A refresh (IM-6): the same call returned something other than what the page holds. An
  // unanswered repeat brings no content, so it is a duplicate whatever the page holds.
  const bool refresh = repeated && now.answered && !(state.now == now);
  ++stats_->tool_calls;
  if (result == nullptr) ++stats_->unanswered_calls;
  if (!repeated) {
    ++stats_->pages[index_of(page_type::evidence)];
    page_by_signature_.emplace(call.signature_key, id);
    state.now = now;
  } else if (refresh) {
    ++stats_->refreshes;
  } else {
    ++stats_->duplicate_signatures;
  }
  // The tool_call event demands the page for the next assembly (FT-3), whatever it is.
  evidence_turn_[id] = turn_;
  const std::uint32_t tokens = result == nullptr ? estimate_tokens(t.pointer->size()) : t.full_tokens;
  context_tokens_ += tokens;
  remember_context_page(where.line, id, tokens);
  if (refresh) {
    emit(workload_events::tool_call{call.name, call.arguments_json, spec});
    refresh_result(id, std::move(spec), state, *result, is_error);
    state.now = now;
  } else {
    emit(workload_events::tool_call{call.name, call.arguments_json, std::move(spec)});
  }
  register_reference_keys(call, id);
  if (call.kind == tool_kind::plan) update_plan(call, id, where);
}

// The refreshed result replaces the page's content as a new version (WL-5 update): the
// engine's duplicate-call rule kept the first result, which is no longer what the tool
// returns. The typed update journals the version (set_with_version from the previous
// one), derived from the result page itself; its value describes the content, it does
// not copy it (JR-3 bounds values at 64 KiB).
void workload_builder::refresh_result(const std::string& page_id, page_spec spec, result_state& state,
                                      const std::string& result, bool is_error) {
  nlohmann::json value;
  value["turn"] = turn_;
  value["version"] = state.versions + 1;
  value["bytes"] = result.size();
  value["lines"] = text::line_count(result);
  value["error"] = is_error;
  value["fnv1a64"] = fmt::format("{:016x}", fnv1a64(result));
  update change;
  change.page_id = page_id;
  change.field = "tool_result/" + page_id;
  change.op = journal_op::set_with_version;
  change.expected_version = state.versions;
  change.value_json = dump(value);
  change.scope = scope::session;
  change.evidence_ref = page_id;
  ++state.versions;
  emit(workload_events::update{std::move(spec), std::move(change)});
}

void workload_builder::register_reference_keys(const pending_call& call, const std::string& page_id) {
  if (!call.arguments.is_object()) return;
  std::size_t added = 0;
  auto add = [&](std::string_view key) {
    if (added >= reference_keys_per_call_max) return;
    if (page_by_reference_.size() >= reference_keys_max && page_by_reference_.count(std::string(key)) == 0U) return;
    // The latest call naming a key is what a later mention refers to.
    page_by_reference_[std::string(key)] = page_id;
    ++added;
  };
  const auto& named = options_->reference_argument_keys;
  const auto& commands = options_->command_argument_keys;
  for (const auto& [key, value] : call.arguments.items()) {
    if (std::find(named.begin(), named.end(), key) != named.end() && value.is_string()) {
      const auto& v = value.get_ref<const std::string&>();
      // Only a single-token value can be found again as a token.
      std::size_t tokens = 0;
      bool whole = false;
      text::for_each_token(v, [&](std::string_view tok) {
        ++tokens;
        whole = tok == v;
      });
      if (tokens == 1 && whole && v.size() >= 3) add(v);
    } else if (std::find(commands.begin(), commands.end(), key) != commands.end()) {
      for_each_string(value, [&](const std::string& s) {
        text::for_each_token(s, [&](std::string_view tok) {
          if (text::path_like(tok)) add(tok);
        });
      });
    }
  }
}

void workload_builder::update_plan(const pending_call& call, const std::string& evidence_page,
                                   const origin& where) {
  auto steps = plan_steps_of(call.arguments);
  if (steps.empty()) return;
  std::size_t done = 0;
  const plan_step* current = nullptr;
  for (const auto& s : steps) {
    if (s.status == "completed") ++done;
    if (current == nullptr && s.status == "in_progress") current = &s;
  }
  if (current == nullptr) {
    for (const auto& s : steps) {
      if (s.status == "pending") {
        current = &s;
        break;
      }
    }
  }
  const std::string current_title = current != nullptr ? current->title : std::string("none");

  page_texts t;
  for (const auto& s : steps) {
    if (!t.full.empty()) t.full += '\n';
    t.full += fmt::format("[{}] {}", status_mark(s.status), s.title);
  }
  t.full_tokens = estimate_tokens(t.full.size());
  std::string structured = fmt::format("plan done {}/{}; current: {}", done, steps.size(),
                                       text::one_line(current_title, 60));
  for (std::size_t i = 0; i < steps.size() && i < 16; ++i) {
    structured += fmt::format("\n[{}] {}", status_mark(steps[i].status), text::one_line(steps[i].title, 40));
  }
  t.structured = std::move(structured);
  // The plan's floor keeps the goal and the current step (brief §1).
  t.pointer = fmt::format("{}: plan done {}/{}; goal: {}; current: {}", plan_id_, done, steps.size(),
                          text::one_line(steps.front().title, 32), text::one_line(current_title, 40));
  auto spec = make_spec(plan_id_, page_type::plan, where,
                        defaults_of(*options_, page_type::plan).recompute_cost, t);

  // The typed update (IM-13): an append of the step status snapshot, derived from the
  // plan tool's result page.
  nlohmann::json value;
  value["turn"] = turn_;
  value["done"] = done;
  value["total"] = steps.size();
  value["current"] = std::string(text::utf8_prefix(current_title, plan_title_bytes_max));
  auto& list = value["steps"] = nlohmann::json::array();
  for (std::size_t i = 0; i < steps.size() && i < plan_steps_max; ++i) {
    list.push_back({{"status", steps[i].status},
                    {"title", std::string(text::utf8_prefix(steps[i].title, plan_title_bytes_max))}});
  }
  update change;
  change.page_id = plan_id_;
  change.field = "plan/steps";
  change.op = journal_op::append;
  change.value_json = dump(value);
  change.scope = scope::session;
  change.evidence_ref = evidence_page;

  if (!plan_exists_) {
    plan_exists_ = true;
    ingest_page(spec, t.full_tokens);
  }
  ++stats_->plan_updates;
  emit(workload_events::update{std::move(spec), std::move(change)});
}

// ---- lifecycle ----

void workload_builder::compact(bool native) {
  ensure_session();
  if (native) {
    ++stats_->compactions_native;
  } else {
    ++stats_->compactions_synthesized;
    since_compaction_.clear();  // a synthesized compaction keeps nothing but pinned pages
  }
  // After a compaction the context holds the pinned pages (and the summary, if any).
  context_tokens_ = pinned_tokens_;
  emit(workload_events::lifecycle{boundary::compaction});
}

void workload_builder::remember_context_page(std::uint64_t line, const std::string& page_id, std::uint32_t tokens) {
  since_compaction_.push_back(context_page{line, page_id, tokens});
  if (since_compaction_.size() > context_pages_max) since_compaction_.pop_front();
}

// What a native compaction keeps (pi firstKeptEntryId, IM-12): the pages of the entries
// from `first_kept_line` on stay in the prompt the harness sends next, so they are demanded
// at full for the next assembly (the boundary destroyed every in-context copy, EN-5) and
// stay in the context estimate. Without it the compaction keeps nothing but pinned pages.
void workload_builder::keep_after_compaction(std::optional<std::uint64_t> first_kept_line) {
  std::deque<context_page> kept;
  if (first_kept_line) {
    for (auto& p : since_compaction_) {
      if (p.line >= *first_kept_line) kept.push_back(std::move(p));
    }
  }
  since_compaction_ = std::move(kept);
  // A page seen twice (a refreshed result) is kept once, at its latest size.
  std::unordered_map<std::string, std::uint32_t> latest;
  for (const auto& p : since_compaction_) latest[p.page_id] = p.tokens;
  for (const auto& p : since_compaction_) {
    const auto it = latest.find(p.page_id);
    if (it == latest.end()) continue;
    context_tokens_ += it->second;
    latest.erase(it);
    ++stats_->pages_kept;
    // A result that arrived since the last model call is already demanded by its tool_call.
    const auto appeared = evidence_turn_.find(p.page_id);
    if (appeared != evidence_turn_.end() && appeared->second == turn_) continue;
    if (!demanded_this_turn_.insert(p.page_id).second) continue;
    ++stats_->demands;
    emit(workload_events::demand{p.page_id, level::full});
  }
}

void workload_builder::on_compaction(const items::compaction& c, const origin& where) {
  compact(true);
  keep_after_compaction(c.first_kept_line);
  on_conversation("summary", c.summary, where);
}

}  // namespace clawvm::import
