// The engine: spec/engine.md EN-1..EN-10; tla/ClawVM.tla.
#include "clawvm/engine.hpp"

#include <algorithm>

#include <gsl/assert>

#include "clawvm/merge_rules.hpp"
#include "clawvm/per_page_growth.hpp"

namespace clawvm {

namespace {
constexpr double recency_decay = 0.88;        // per turn (EN-6)
constexpr double recency_zero_below = 1e-4;   // decayed values below this become 0
constexpr double recency_gain_per_demand = 1.0;
}  // namespace

engine::engine(engine_config config, durable_store& state, trace_sink* sink)
    : config_(std::move(config)),
      state_(&state),
      trace_(sink, config_.trace_first_seq),
      journal_(state.last_seq() + 1) {
  // DT-4 `resume`: this engine continues a trace file another engine wrote; its context
  // starts empty at turn 0, its journal after the store's last entry (SC-1).
  if (trace_.enabled() && config_.trace_first_seq > 0) trace_.emit(0, trace_events::resume{state.last_seq()});
}

void engine::count_fault(fault_kind f, std::string_view page_id, std::string_view detail) {
  ++counters_[f];
  if (trace_.enabled()) {
    trace_.emit(turn_, trace_events::fault{f, page_id, detail});
  }
}

void engine::on_session_start(std::string_view session_id) {
  session_id_ = session_id;
  if (trace_.enabled()) {
    trace_.emit(turn_, trace_events::session_start{session_id_, config_.policy.name, config_.tokens_budget,
                                                   config_.policy.selector.auto_pin});
  }
}

reason_code engine::on_ingest(const page_spec& spec) {
  const reason_code rc = pages_.ingest(spec);
  trace_ingest(spec.id, rc);
  return rc;
}

void engine::trace_ingest(std::string_view page_id, reason_code rc) {
  if (!trace_.enabled()) return;
  if (rc != reason_code::ok) {
    trace_.emit(turn_, trace_events::ingest_rejected{page_id, rc});
    return;
  }
  const page& p = pages_.at(*pages_.find(page_id));
  trace_.emit(turn_, trace_events::ingest{page_id, p.type, p.pin, p.scope});
}

reason_code engine::on_update(const page_spec& spec, update pending) {
  // The update persists this page's change: it must name the page (or leave it to us).
  if (pending.page_id.empty()) pending.page_id = spec.id;
  reason_code rc = pending.page_id == spec.id ? replace_page(spec) : reason_code::schema_invalid;
  if (rc == reason_code::ok) rc = pages_.mark_dirty(spec.id);
  if (trace_.enabled()) {
    trace_.emit(turn_, trace_events::update{spec.id, pending.field, pending.op, rc});
  }
  if (rc == reason_code::ok) pending_[spec.id].push_back(std::move(pending));
  return rc;
}

demand_outcome engine::on_demand(std::string_view page_id, level wanted) {
  const auto where = pages_.find(page_id);
  if (!where) {
    if (trace_.enabled()) {
      trace_.emit(turn_, trace_events::demand{page_id, wanted, demand_outcome::unknown_page, false, level::none});
    }
    return demand_outcome::unknown_page;
  }
  page& p = pages_.at(*where);
  // Served from what the last assembly left resident (FT-2): at the serving level, or any
  // resident evidence representation, whose pointer resolves deterministically to the full
  // result in the durable tier when the policy resolves pointers.
  const bool served = (p.resident != level::none && p.resident >= serving_level(p, wanted)) ||
                      (p.type == page_type::evidence && p.resident >= level::pointer &&
                       config_.policy.pointers_resolve_evidence);
  demand_outcome outcome = demand_outcome::miss;
  if (served) {
    outcome = demand_outcome::hit;
    ++counters_.hits;
  } else if (p.type == page_type::evidence && p.ever_resident) {
    outcome = demand_outcome::refetch_fault;
  } else {
    ++counters_.misses;
  }
  touch(*where);
  demands_.push_back({*where, wanted});
  if (trace_.enabled()) {
    trace_.emit(turn_, trace_events::demand{p.id, wanted, outcome, true, p.resident});
  }
  if (outcome == demand_outcome::refetch_fault) count_fault(fault_kind::refetch, p.id, "evicted tool result re-retrieved");
  return outcome;
}

tool_result engine::on_tool_call(std::string_view tool_name, std::string_view arguments_json,
                                 const page_spec& result) {
  tool_result out;
  const tool_result_index::call call = tool_results_.resolve(tool_name, arguments_json);
  if (!call.signature) {
    out.outcome = tool_outcome::rejected;
    out.reason = reason_code::schema_invalid;
    if (trace_.enabled()) {
      trace_.emit(turn_, trace_events::tool_call{tool_name, out.outcome, out.reason, false, {}, {}});
    }
    return out;
  }
  out.signature = *call.signature;  // a copy: the view lasts until the index next changes
  const std::optional<page_index> previous = call.result_page;
  std::optional<page_index> result_page;  // the page that holds the call's result

  if (previous) {
    result_page = previous;
    page& p = pages_.at(*previous);
    // The result is still usable if its content is resident, or its pointer resolves.
    // A result not yet assembled since its call is still in the turn's context (FT-3).
    const bool usable = !p.ever_resident || p.resident >= level::structured ||
                        (p.resident == level::pointer && config_.policy.pointers_resolve_evidence);
    if (usable) {
      out.outcome = tool_outcome::duplicate_signature_alert;
      ++counters_.duplicate_signature_alerts;
    } else {
      out.outcome = tool_outcome::duplicate_tool_fault;
      // The re-run refreshes the same evidence page (a copy only when the harness named
      // the new result differently).
      if (result.id == p.id) {
        out.reason = replace_page(result);
      } else {
        page_spec rerun = result;
        rerun.id = p.id;
        out.reason = replace_page(rerun);
      }
    }
  } else {
    out.reason = pages_.ingest(result);
    trace_ingest(result.id, out.reason);
    if (out.reason == reason_code::ok) {
      result_page = pages_.find(result.id);
      Expects(result_page.has_value());
      tool_results_.record(tool_name, arguments_json, out.signature, *result_page);
    }
  }
  if (out.reason != reason_code::ok) out.outcome = tool_outcome::rejected;
  // Read after the replace or ingest: either may move page strings.
  const std::string_view result_id = result_page ? std::string_view{pages_.at(*result_page).id}
                                                 : std::string_view{result.id};

  if (trace_.enabled()) {
    trace_.emit(turn_, trace_events::tool_call{tool_name, out.outcome, out.reason, true, out.signature, result_id});
  }
  if (out.outcome == tool_outcome::duplicate_tool_fault) {
    count_fault(fault_kind::duplicate_tool, result_id, "equivalent call re-run after eviction");
  }
  if (out.outcome != tool_outcome::rejected) {
    // The model reads the result this turn: demand it at full.
    Expects(result_page.has_value());
    touch(*result_page);
    demands_.push_back({*result_page, level::full});
  }
  return out;
}

std::optional<std::string_view> engine::tool_result_page_id(std::string_view signature) const {
  const std::optional<page_index> page = tool_results_.find(signature);
  if (!page) return std::nullopt;
  return std::string_view{pages_.at(*page).id};
}

recall_result engine::on_recall(clawvm::scope s, std::string_view field,
                                std::optional<reason_code> backend_outcome) {
  recall_result out;
  if (!backend_outcome || *backend_outcome == reason_code::ok) {
    out.value = state_->find(s, field);
    out.reason = out.value ? reason_code::ok : reason_code::recall_no_match;
    // FT-6: a stored value that is not JSON (a damaged or hand-edited store) is the
    // backend failing to answer, said as such, never handed on as if it were a value.
    if (out.value && !canonical_json(out.value->value_json).ok) {
      out.value.reset();
      out.reason = reason_code::recall_backend_error;
    }
  } else {
    out.reason = *backend_outcome;
  }
  if (!out.value) {
    out.silent = !config_.policy.explain_empty_recall;
    if (!out.silent) ++counters_.recalls_explained;
  }
  if (trace_.enabled()) {
    trace_.emit(turn_, trace_events::recall{s, field, out.value.has_value(),
                                            out.silent ? std::string_view{} : to_string(out.reason)});
  }
  if (out.silent) count_fault(fault_kind::silent_recall, "", field);
  return out;
}

void engine::set_lookahead(std::vector<std::pair<std::string, std::uint32_t>> future_demands) {
  future_demands_.assign(pages_.size(), 0U);
  for (const auto& [id, count] : future_demands) {
    if (auto where = pages_.find(id)) future_demands_[*where] += count;
  }
}

const selection& engine::on_assemble() {
  if (config_.policy.selector.upgrades != upgrade_mode::oracle || future_demands_.size() != pages_.size()) {
    future_demands_.clear();
  }
  run_selection(selection_kind::turn);
  future_demands_.clear();
  return selection_;
}

void engine::run_selection(selection_kind kind) {
  const bool restore = kind == selection_kind::restore;
  // A restore rebuilds the context right after a boundary: no demands, no lookahead.
  if (stable_assembly_on()) place_in_last_prompt();
  const selection_request request{pages_.pages(), config_.tokens_budget,
                                  restore ? gsl::span<const demand>{} : gsl::span<const demand>{demands_},
                                  restore ? gsl::span<const std::uint32_t>{} : gsl::span<const std::uint32_t>{future_demands_},
                                  pages_.generation(), &pages_.last_removal(), prompt_positions_,
                                  &pages_.last_edits()};
  if (trace_.enabled()) {
    trace_.emit(turn_, trace_events::assemble{kind, request.demands.size()});
  }
  select_representations(request, config_.policy.selector, selection_, scratch_, trace_.enabled());

  auto all = pages_.pages();
  install_selection(all);
  counters_.physical_insufficiency += selection_.unmet.size();
  // The billed prompt is a turn's (RP-10); a restore rebuilds the context but sends nothing.
  if (stable_assembly_on() && !restore) assembly_.assemble(table_order_prompt(all, selection_.levels));

  if (trace_.enabled()) {
    for (const auto& d : selection_.decisions) {
      const page& p = all[d.page];
      trace_.emit(turn_, trace_events::install{p.id, p.type, d.from, d.to, d.step, d.tokens_extra});
    }
    for (const auto& u : selection_.unmet) {
      const page& p = all[u.page];
      trace_.emit(turn_, trace_events::unmet{p.id, p.type, u.wanted, u.installed, u.tokens_needed, u.reason});
    }
    residency_digest digest;
    for (const page& p : all) digest.add(p.id, p.resident);
    const std::string digest_hex = digest.hex();
    trace_.emit(turn_, trace_events::select{kind, selection_.tokens_used, selection_.tokens_budget,
                                            selection_.floor_set_tokens, selection_.floor_set_fits, all.size(),
                                            selection_.unmet.size(), digest_hex});
  }

  // FT-7: a policy that auto-pins promises every hard-pinned page at its floor whenever
  // the floor set fits. A miss here is a fault of the enforcement, not of the budget.
  if (!restore && config_.policy.selector.auto_pin && selection_.floor_set_fits) {
    for (const page_index i : hard_pinned_pages()) {
      if (all[i].resident < all[i].floor()) {
        count_fault(fault_kind::pinned_invariant_miss, all[i].id, "hard-pinned page below floor");
      }
    }
  }
}

void engine::install_selection(gsl::span<page> all) {
  const auto& levels = selection_.levels;
  const auto install = [&](std::size_t i) {
    all[i].resident = levels[i];
    // A page once resident can be evicted: a later demand for it is a refetch (FT-2).
    if (levels[i] != level::none) all[i].ever_resident = true;
  };
  if (resident_mirror_generation_ != pages_.layout_generation()) {
    for (std::size_t i = 0; i < all.size(); ++i) install(i);
    resident_mirror_.assign(levels.begin(), levels.begin() + static_cast<std::ptrdiff_t>(all.size()));
  } else {
    // The mirror is the pages' residency: only a page resident before (resident_pages_)
    // or now (selection_.installed) can differ from its level, and only those are
    // visited. Pages ingested since the last install are not resident.
    reserve_by_quarter(resident_mirror_, all.size());
    resident_mirror_.resize(all.size(), level::none);
    const auto follow = [&](page_index i) {
      if (resident_mirror_[i] == levels[i]) return;
      install(i);
      resident_mirror_[i] = levels[i];
    };
    for (const page_index i : resident_pages_) follow(i);
    for (const page_index i : selection_.installed) follow(i);
  }
  resident_pages_.assign(selection_.installed.begin(), selection_.installed.end());
  resident_mirror_generation_ = pages_.layout_generation();
#ifndef NDEBUG
  // Checked against the full pass it replaces in every debug build.
  for (std::size_t i = 0; i < all.size(); ++i) {
    Ensures(all[i].resident == levels[i] && (all[i].resident == level::none || all[i].ever_resident));
    Ensures(resident_mirror_[i] == levels[i]);
  }
#endif
}

const std::vector<page_index>& engine::hard_pinned_pages() {
  // Keyed on the layout: a replace keeps a page's pin class (PG-9) and its index.
  if (hard_pinned_generation_ != pages_.layout_generation()) {
    hard_pinned_.clear();
    hard_pinned_scanned_ = 0;
    hard_pinned_generation_ = pages_.layout_generation();
  }
  const auto all = pages_.pages();
  for (; hard_pinned_scanned_ < all.size(); ++hard_pinned_scanned_) {
    if (all[hard_pinned_scanned_].pin == pin_class::hard) {
      hard_pinned_.push_back(static_cast<page_index>(hard_pinned_scanned_));
    }
  }
  return hard_pinned_;
}

void engine::place_in_last_prompt() {
  prompt_positions_.assign(pages_.size(), UINT32_MAX);
  const prompt& last = assembly_.last();
  for (std::size_t k = 0; k < last.size(); ++k) {
    if (const auto i = pages_.find(last[k].page_id)) prompt_positions_[*i] = gsl::narrow_cast<std::uint32_t>(k);
  }
}

prompt engine::assembled_prompt() const {
  if (stable_assembly_on()) return assembly_.last();
  return table_order_prompt(pages_.pages(), selection_.levels);
}

reason_code engine::replace_page(const page_spec& spec) {
  const reason_code rc = pages_.replace(spec);
  // replace may lower the page's level (to none when the new spec lacks it), never raise
  // it: the mirror follows the page, and the page stays in resident_pages_ (a superset of
  // the resident pages is enough).
  if (const auto i = pages_.find(spec.id); i && *i < resident_mirror_.size()) {
    Expects(pages_.at(*i).resident <= resident_mirror_[*i]);
    resident_mirror_[*i] = pages_.at(*i).resident;
  }
  return rc;
}

void engine::touch(page_index i) {
  pages_.at(i).recency += recency_gain_per_demand;
  if (warm_generation_ != pages_.layout_generation()) return;  // on_post_model rescans first
  if (i >= is_warm_.size()) {
    reserve_by_quarter(is_warm_, pages_.size());
    is_warm_.resize(pages_.size(), 0);
  }
  if (is_warm_[i] == 0) {
    is_warm_[i] = 1;
    warm_.push_back(i);
  }
}

void engine::on_post_model() {
  // EN-6 decays every page; a page at 0 stays at 0, so only the warm ones are visited.
  auto all = pages_.pages();
  if (warm_generation_ != pages_.layout_generation()) {
    warm_.clear();
    is_warm_.assign(all.size(), 0);
    for (page_index i = 0; i < all.size(); ++i) {
      if (all[i].recency != 0.0) {
        warm_.push_back(i);
        is_warm_[i] = 1;
      }
    }
    warm_generation_ = pages_.layout_generation();
  }
  // The decay of one page does not depend on another's: the order of warm_ is free.
  std::size_t still_warm = 0;
  for (const page_index i : warm_) {
    page& p = all[i];
    p.recency *= recency_decay;
    if (p.recency < recency_zero_below) p.recency = 0.0;
    if (p.recency != 0.0) {
      warm_[still_warm++] = i;
    } else {
      is_warm_[i] = 0;
    }
  }
  warm_.resize(still_warm);
#ifndef NDEBUG
  // The bookkeeping is a bug if a page outside warm_ has a recency: check it in debug
  // builds (every test, the sanitizer preset) against the full pass it replaces.
  for (page_index i = 0; i < all.size(); ++i) {
    Ensures(all[i].recency == 0.0 || (i < is_warm_.size() && is_warm_[i] == 1));
  }
#endif
  demands_.clear();
  if (trace_.enabled()) trace_.emit(turn_, trace_events::turn_end{});
  ++turn_;
}

std::size_t engine::pending_updates() const noexcept {
  std::size_t n = 0;
  for (const auto& [id, list] : pending_) n += list.size();
  return n;
}

void engine::writeback_dirty_pages(boundary b, boundary_report& report) {
  const validation_context ctx{state_, &pages_, config_.writer,
                               config_.policy.validate_writeback ? validation_checks::all()
                                                                 : validation_checks::schema_only()};
  const merge_mode mode = config_.policy.validate_writeback ? merge_mode::non_destructive
                                                            : merge_mode::permissive;
  // Pages in ingest order, each page's updates in the order they were made.
  for (page& p : pages_.pages()) {
    if (!p.dirty) continue;
    auto it = pending_.find(p.id);
    if (it != pending_.end()) {
      for (auto& u : it->second) {
        if (trace_.enabled()) {
          trace_.emit(turn_, trace_events::stage{journal_.next_seq(), u.page_id, u.field, u.op, u.scope, b});
        }
        const journal_record rec = journal_.writeback(std::move(u), ctx, *state_, mode);
        if (rec.phase == journal_phase::committed) {
          ++report.written_back;
          ++counters_.commits;
          if (rec.overwrote_committed) ++counters_.destructive_commits;
        } else {
          ++report.rejected;
          ++counters_.rejections;
        }
        if (trace_.enabled()) {
          trace_.emit(turn_, trace_events::writeback_outcome{rec.phase == journal_phase::committed, rec.seq,
                                                              rec.staged.page_id, rec.staged.field, rec.reason,
                                                              rec.result.version, rec.overwrote_committed});
        }
      }
      pending_.erase(it);
    }
    // Committed, or rejected with a reason: either way accounted for (JR-8).
    p.dirty = false;
  }
}

boundary_report engine::cross_boundary(boundary b) {
  boundary_report report;
  report.kind = b;
  // EN-8: a lookahead is for the next assembly of the pages it was given for; a boundary
  // (which may remove pages and so shift every later page's index) drops it.
  future_demands_.clear();
  journal_.begin_boundary();
  if (trace_.enabled()) trace_.emit(turn_, trace_events::boundary_begin{b});

  // 1. Writeback before anything is destroyed (EN-4).
  if (config_.policy.writes_back_at(b)) writeback_dirty_pages(b, report);

  // 2. Destroy what the boundary destroys (EN-5). Dirty state still present is lost.
  const bool ends_session = boundary_ends_session(b);
  for (page& p : pages_.pages()) {
    if (!boundary_destroys(b, p.type)) continue;
    if (p.dirty) {
      ++report.flush_misses;
      count_fault(fault_kind::flush_miss, p.id, to_string(b));
      pending_.erase(p.id);
      p.dirty = false;
    }
    p.resident = level::none;
  }
  forget_residency();
  if (trace_.enabled()) {
    trace_.emit(turn_, trace_events::destroy{b, ends_session});
  }
  if (ends_session) {
    report.pages_destroyed = pages_.remove_if([](const page& p) { return p.scope == scope::session; });
    if (report.pages_destroyed > 0) tool_results_.follow(pages_.last_removal());
    demands_.clear();
  }

  // 3. Restore required state (EN-7), then check bootstrap residency after compaction.
  if (config_.policy.restore_after_boundary && b != boundary::memory_flush) run_selection(selection_kind::restore);
  if (b == boundary::compaction) {
    std::uint64_t floor_tokens = 0;
    for (const page& p : pages_.pages()) {
      if (p.pin == pin_class::hard) floor_tokens += p.tokens_at(p.floor());
    }
    const bool fits = floor_tokens <= config_.tokens_budget;
    for (const page& p : pages_.pages()) {
      // Required bootstrap state: hard-pinned bootstrap pages (FT-4).
      if (p.type != page_type::bootstrap || p.pin != pin_class::hard || p.resident >= p.floor()) continue;
      if (fits) {
        count_fault(fault_kind::post_compaction_bootstrap, p.id, "bootstrap not resident after compaction");
      } else if (!config_.policy.restore_after_boundary) {
        ++counters_.physical_insufficiency;  // with restore, its unmet line counted it already
      }
    }
  }
  if (trace_.enabled()) {
    trace_.emit(turn_, trace_events::boundary_done{b, report.written_back, report.rejected, report.flush_misses,
                                                   report.pages_destroyed});
  }
  return report;
}

boundary_report engine::on_boundary(boundary b) { return cross_boundary(b); }
boundary_report engine::on_compaction() { return cross_boundary(boundary::compaction); }
boundary_report engine::on_pruning() { return cross_boundary(boundary::pruning); }
boundary_report engine::on_memory_flush() { return cross_boundary(boundary::memory_flush); }
boundary_report engine::on_reset() { return cross_boundary(boundary::reset); }
boundary_report engine::on_session_end() { return cross_boundary(boundary::session_end); }
boundary_report engine::on_shutdown() { return cross_boundary(boundary::shutdown); }

}  // namespace clawvm
