#pragma once
// The decision trace (spec/decision_trace.md DT-1..DT-5, schema
// spec/decision-trace.schema.json): JSON Lines, append-only, byte-deterministic. Every
// selection, install, fault, stage, validation, commit and rejection is one line.

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "clawvm/fnv1a.hpp"
#include "clawvm/page_type.hpp"
#include "clawvm/trace_event.hpp"

namespace clawvm {

inline constexpr int decision_trace_version = 1;

// FNV-1a 64 over "id=level;" for every page in page-table order (DT-4): the residency the
// engine logs at each select line, recomputed by the trace validator from its model.
class residency_digest {
 public:
  void add(std::string_view page_id, level l) noexcept {
    hash_.mix(page_id);
    hash_.mix("=");
    hash_.mix(to_string(l));
    hash_.mix(";");
  }
  std::uint64_t value() const noexcept { return hash_.value(); }
  std::string hex() const;

 private:
  fnv1a64_hasher hash_;
};

class trace_sink {
 public:
  trace_sink() = default;
  trace_sink(const trace_sink&) = delete;
  trace_sink& operator=(const trace_sink&) = delete;
  virtual ~trace_sink() = default;
  virtual void write_line(std::string_view line) = 0;
};

class memory_trace_sink final : public trace_sink {
 public:
  void write_line(std::string_view line) override { lines.emplace_back(line); }
  std::vector<std::string> lines;
};

class ostream_trace_sink final : public trace_sink {
 public:
  explicit ostream_trace_sink(std::ostream& out) : out_(out) {}
  void write_line(std::string_view line) override { out_ << line << '\n'; }

 private:
  std::ostream& out_;
};

// Numbers each line and stamps version, sequence and turn. Keys are written in byte
// order, so the bytes depend only on the content (DT-1).
class decision_trace {
 public:
  explicit decision_trace(trace_sink* sink, std::uint64_t first_seq = 0) : sink_(sink), seq_(first_seq) {}
  bool enabled() const noexcept { return sink_ != nullptr; }
  void emit(std::uint64_t turn, const trace_event& event);

 private:
  trace_sink* sink_;
  std::uint64_t seq_;
};

}  // namespace clawvm
