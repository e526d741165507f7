#pragma once
// The engine: the harness hooks of ClawVM (brief §1-§4, spec/engine.md EN-1..EN-10).
// The harness calls one hook per lifecycle event; the engine owns the page table, the
// selector, the journal and the fault observer, and writes one decision-trace line per
// decision. tla/ClawVM.tla is its model; each hook names its action.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "clawvm/durable_store.hpp"
#include "clawvm/decision_trace.hpp"
#include "clawvm/faults.hpp"
#include "clawvm/hook_outcome.hpp"
#include "clawvm/journal.hpp"
#include "clawvm/page_table.hpp"
#include "clawvm/policy.hpp"
#include "clawvm/selector.hpp"
#include "clawvm/stable_assembly.hpp"
#include "clawvm/tool_result_index.hpp"

namespace clawvm {

struct engine_config {
  engine_policy policy = policy_clawvm();
  std::uint32_t tokens_budget = 500;
  principal writer{};
  // The seq of this engine's first trace line: 0 for a new trace; the line after the last
  // one when the engine continues an existing trace file (it then writes `resume`, DT-4).
  std::uint64_t trace_first_seq = 0;
};

struct tool_result {
  tool_outcome outcome = tool_outcome::new_call;
  reason_code reason = reason_code::ok;
  std::string signature;
};

struct recall_result {
  std::optional<committed_value> value;  // engaged when the lookup found something
  reason_code reason = reason_code::ok;  // why it is empty (recall_*), ok when found
  bool silent = false;                   // empty and the harness was not told why (fault)
};

struct boundary_report {
  boundary kind = boundary::compaction;
  std::size_t written_back = 0;   // committed
  std::size_t rejected = 0;       // rejected with a reason (accounted for, not lost)
  std::size_t flush_misses = 0;   // dirty pages destroyed uncommitted
  std::size_t pages_destroyed = 0;
};

class engine {
 public:
  // `state` must outlive the engine; `sink` may be null (no trace).
  engine(engine_config config, durable_store& state, trace_sink* sink = nullptr);

  // ---- hooks (EN-1) ----
  void on_session_start(std::string_view session_id);
  // tla/PageResidency.tla Ingest.
  reason_code on_ingest(const page_spec& spec);
  // The agent changed a page: new representations and the typed update that persists the
  // change at the next writeback (tla/ClawVM.tla Edit, via page_table::mark_dirty).
  reason_code on_update(const page_spec& spec, update pending);
  // tla/PageResidency.tla Demand.
  demand_outcome on_demand(std::string_view page_id, level wanted);
  tool_result on_tool_call(std::string_view tool_name, std::string_view arguments_json,
                           const page_spec& result);
  recall_result on_recall(clawvm::scope s, std::string_view field,
                          std::optional<reason_code> backend_outcome = std::nullopt);
  // The principal of later writebacks (JR-5): a harness that changes who is acting, the
  // sidecar's `principal` operation (SC-5).
  void set_writer(principal writer) noexcept { config_.writer = writer; }
  // Oracle: demands per page id in the next h turns, for the next assembly only.
  void set_lookahead(std::vector<std::pair<std::string, std::uint32_t>> future_demands);
  // tla/PageResidency.tla Assemble (+ Upgrade/Degrade/Evict through the selector).
  const selection& on_assemble();
  // End of turn: recency decays x0.88 (EN-6).
  void on_post_model();

  // Lifecycle boundaries (tla/ClawVM.tla Compaction, Pruning, MemoryFlush, Reset,
  // SessionEnd; Shutdown is SessionEnd for every session). on_boundary(b) is the one
  // dispatch by kind; the named hooks are the same call for a harness that knows which.
  boundary_report on_boundary(boundary b);
  boundary_report on_compaction();
  boundary_report on_pruning();
  boundary_report on_memory_flush();
  boundary_report on_reset();
  boundary_report on_session_end();
  boundary_report on_shutdown();

  // ---- observation ----
  const fault_counters& counters() const noexcept { return counters_; }
  const page_table& pages() const noexcept { return pages_; }
  const journal& writeback_journal() const noexcept { return journal_; }
  const selection& last_selection() const noexcept { return selection_; }
  // The prompt of the last turn assembly (RP-7; call it after on_assemble, before a
  // boundary's restore replaces the selection): its resident pieces in page-table order,
  // or in the stable order (RP-11) under the cache_aware mode (SEL-11).
  prompt assembled_prompt() const;
  const engine_config& config() const noexcept { return config_; }
  std::uint64_t turn() const noexcept { return turn_; }
  std::size_t pending_updates() const noexcept;
  // The id of the page holding the result of a call with this canonical signature (FT-3):
  // what a repeated call would reuse (the oracle's lookahead and the optimum read it).
  // Valid until the page table next changes.
  std::optional<std::string_view> tool_result_page_id(std::string_view signature) const;

 private:
  boundary_report cross_boundary(boundary b);
  // Writes back every dirty page through the journal (EN-4); tla/ClawVM.tla actions
  // WritebackStage, WritebackValidate, WritebackReject, WritebackCommit.
  void writeback_dirty_pages(boundary b, boundary_report& report);
  // Runs the selector and records its decisions; restore = right after a boundary, with no
  // demands (EN-7). tla/PageResidency.tla Assemble / Upgrade / Degrade / Evict.
  void run_selection(selection_kind kind);
  void trace_ingest(std::string_view page_id, reason_code rc);
  void count_fault(fault_kind f, std::string_view page_id, std::string_view detail);
  // page_table::replace, keeping the residency mirror equal to the pages.
  reason_code replace_page(const page_spec& spec);
  // The model reads page i this turn: its recency grows (EN-6) and it joins warm_.
  void touch(page_index i);
  // Pages the end of a turn must decay, and the hard-pinned pages FT-7 checks: lists of
  // indices kept for one page_table::layout_generation(), so a turn's bookkeeping costs
  // what is warm or pinned, not every page of the table (issue 14). A new layout (pages
  // removed or reordered) rebuilds them by one scan; an ingest only appends.
  const std::vector<page_index>& hard_pinned_pages();

  engine_config config_;
  durable_store* state_;
  decision_trace trace_;
  page_table pages_;
  journal journal_;
  fault_counters counters_;
  selection selection_;
  selector_scratch scratch_;
  std::vector<demand> demands_;
  std::vector<std::uint32_t> future_demands_;
  std::map<std::string, std::vector<update>> pending_;  // by page id: ordered, deterministic
  tool_result_index tool_results_;  // FT-3: calls seen, their signatures and result pages
  std::string session_id_;
  std::uint64_t turn_ = 0;
  std::vector<page_index> warm_;         // every page whose recency is not 0, once
  std::vector<std::uint8_t> is_warm_;    // by page index: 1 when in warm_
  std::uint64_t warm_generation_ = 0;    // the layout generation warm_ indexes (0: none yet)
  std::vector<page_index> hard_pinned_;  // pin == hard, in index order
  std::uint64_t hard_pinned_generation_ = 0;
  std::size_t hard_pinned_scanned_ = 0;  // pages [0, this) are in hard_pinned_ when hard
  // page.resident of pages [0, size) for one layout generation (0: forgotten), so that
  // installing a selection visits only what was or is resident and writes only the pages
  // whose level changed. Every write of page.resident outside run_selection goes through
  // forget_residency or replace_page.
  std::vector<level> resident_mirror_;
  std::uint64_t resident_mirror_generation_ = 0;
  std::vector<page_index> resident_pages_;  // every page the mirror says is resident (maybe more)
  // Sets page.resident (and ever_resident) from selection_, and the mirror with it.
  void install_selection(gsl::span<page> all);
  // The cache_aware mode only (SEL-11, RP-11): the prompts assembled in stable order, and
  // each page's position in the last one (by page index; UINT32_MAX: not in it), which its
  // rebalance reads.
  bool stable_assembly_on() const noexcept { return config_.policy.selector.upgrades == upgrade_mode::cache_aware; }
  void place_in_last_prompt();
  stable_assembly assembly_;
  std::vector<std::uint32_t> prompt_positions_;
  void forget_residency() noexcept {
    resident_mirror_.clear();
    resident_pages_.clear();
    resident_mirror_generation_ = 0;
  }
};

}  // namespace clawvm
