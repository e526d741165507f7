// The no-compaction reference: spec/real.md RL-16.
#include "clawvm/eval/no_compaction.hpp"

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <variant>

#include "clawvm/boundary.hpp"
#include "clawvm/fnv1a.hpp"
#include "clawvm/page_traits.hpp"
#include "clawvm/tool_signature.hpp"

namespace clawvm::eval {

namespace {

// A page's piece in the transcript: its highest present level, as the transcript shows it
// in full. Nothing when the spec has no representation (the engine would reject it).
std::optional<prompt_piece> top_piece(const page_spec& spec) {
  for (std::size_t i = level_count; i-- > 1;) {
    const auto& rep = spec.representations[i];
    if (rep) return prompt_piece{spec.id, static_cast<level>(i), fnv1a64(rep->content), rep->tokens};
  }
  return std::nullopt;
}

bool survives_session_end(const page_spec& spec) {
  const auto type = parse_page_type(spec.type_name);
  const scope default_scope = type ? traits_of(*type).default_scope : scope::session;
  return spec.scope.value_or(default_scope) == scope::project;
}

class transcript {
 public:
  explicit transcript(const prompt_cache_model& model) : cache_(model) {}

  // Every message is appended: a page, a new version of it, a new tool result.
  void append(const page_spec& spec) {
    const auto piece = top_piece(spec);
    if (!piece) return;
    pieces_.push_back(*piece);
    if (survives_session_end(spec)) project_pages_.insert(spec.id);
  }

  // A call whose canonical signature was seen in this conversation is answered from the
  // context (nothing is ever evicted): only new calls add their results.
  void tool_call(const workload_events::tool_call& call) {
    const auto signature = canonical_tool_signature(call.tool, call.arguments_json);
    if (!signature || !signatures_.insert(*signature).second) return;
    append(call.result);
  }

  void turn_end() {
    ++out_.turns;
    out_.peak_prompt_tokens = std::max(out_.peak_prompt_tokens, tokens_of(pieces_));
    cache_.bill(pieces_);
  }

  // A session-ending boundary starts a new conversation: it opens with the pages that
  // survive the boundary (project scope, EN-5), each at its latest version, in the order
  // they first appeared. Compaction, pruning and memory flush change nothing: this
  // harness does not compact.
  void boundary(clawvm::boundary b) {
    if (!boundary_ends_session(b)) return;
    std::map<std::string, prompt_piece> latest;
    std::vector<std::string> order;
    for (const auto& piece : pieces_) {
      if (project_pages_.count(piece.page_id) == 0) continue;
      if (latest.insert_or_assign(piece.page_id, piece).second) order.push_back(piece.page_id);
    }
    pieces_.clear();
    for (const auto& id : order) pieces_.push_back(latest.at(id));
    signatures_.clear();
  }

  no_compaction_profile finish() {
    out_.cache = cache_.counts();
    return out_;
  }

 private:
  prompt pieces_;
  std::set<std::string> project_pages_;
  std::set<std::string> signatures_;
  prompt_cache_meter cache_;
  no_compaction_profile out_;
};

}  // namespace

no_compaction_profile measure_no_compaction(const workload_pull& pull, const prompt_cache_model& model) {
  transcript t(model);
  workload_event event;
  for (;;) {
    const auto status = pull(event);
    if (status == workload_reader::status::end) break;
    if (status == workload_reader::status::error) throw std::runtime_error("no-compaction reference: the workload did not read");
    if (const auto* e = std::get_if<workload_events::ingest>(&event)) t.append(e->page);
    else if (const auto* u = std::get_if<workload_events::update>(&event)) t.append(u->page);
    else if (const auto* c = std::get_if<workload_events::tool_call>(&event)) t.tool_call(*c);
    else if (std::holds_alternative<workload_events::turn_end>(event)) t.turn_end();
    else if (const auto* l = std::get_if<workload_events::lifecycle>(&event)) t.boundary(l->kind);
  }
  return t.finish();
}

}  // namespace clawvm::eval
