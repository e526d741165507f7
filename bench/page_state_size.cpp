// Per-page policy state of the engine, besides content (docs/performance.md; target
// <= 512 bytes per page). "Content" is the heap text of a page's std::string members (the
// representations, and separately the id and provenance); their in-object headers count as
// state. Everything else the engine keeps per page counts as state: the page object, the
// page vector's growth slack, the id index, the tool-call index, the selection and the
// selector's scratch.
//
// Two figures per session size:
//   * measured: every operator new/delete of this program is counted by usable size
//     (malloc_usable_size: malloc rounding included, chunk headers excluded); the engine's
//     live heap after ingest and 200 turns, minus content, divided by the page count;
//   * breakdown: the same total attributed to components: the page vector and selection
//     measured in the engine, the tool-call index rebuilt by its own class from the same
//     calls (so the attribution is measured too); what is left over is the page id index,
//     the selector scratch and the engine's per-page lists.
//
// Usage: clawvm_page_state_size [--pages=N]   (default: 100, 10000 and 100000)

#include <malloc.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string>
#include <vector>

#include "clawvm/engine.hpp"
#include "clawvm/page.hpp"
#include "clawvm/page_table.hpp"
#include "clawvm/tool_result_index.hpp"
#include "synthetic_session.hpp"

// ---- allocation accounting (single-threaded program) ----
namespace {
std::size_t live_bytes = 0;
}  // namespace

void* operator new(std::size_t n) {
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) throw std::bad_alloc();
  live_bytes += malloc_usable_size(p);
  return p;
}
void operator delete(void* p) noexcept {
  if (p == nullptr) return;
  live_bytes -= malloc_usable_size(p);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

namespace {

// Heap bytes owned by a string's buffer (0 when the text fits the small-string buffer).
std::size_t heap_of(const std::string& s) {
  return s.capacity() > 15 ? malloc_usable_size(const_cast<char*>(s.data())) : 0;
}

double per_page(std::size_t bytes, std::size_t n) {
  return static_cast<double>(bytes) / static_cast<double>(n);
}

void report(std::size_t pages) {
  const std::uint32_t budget = pages <= 100 ? 500U : static_cast<std::uint32_t>(5 * pages);
  const clawvm::bench::session_script script = clawvm::bench::make_script(pages);

  const std::size_t before = live_bytes;
  auto session = clawvm::bench::start_session(script, budget, clawvm::policy_clawvm(), 200);
  const std::size_t engine_heap = live_bytes - before;
  const clawvm::engine& e = *session->eng;
  const std::size_t n = e.pages().size();

  std::size_t rep_content = 0;
  std::size_t id_prov_content = 0;
  for (const clawvm::page& p : e.pages().pages()) {
    for (std::size_t i = 0; i < clawvm::level_count; ++i) rep_content += heap_of(p.representations[i].content);
    id_prov_content += heap_of(p.id) + heap_of(p.provenance);
  }

  // The engine's tool-call index, rebuilt by the same class from the same calls in the
  // same order (the 200 turns' calls repeat signatures already recorded, and add nothing).
  std::size_t tool_index_heap = 0;
  {
    const std::size_t at = live_bytes;
    clawvm::tool_result_index tools;
    clawvm::page_index next = 0;
    for (const auto& call : script.tools) {
      const clawvm::tool_result_index::call found = tools.resolve(call.tool, call.arguments_json);
      if (found.signature && !found.result_page) {
        tools.record(call.tool, call.arguments_json, *found.signature, next++);
      }
    }
    tool_index_heap = live_bytes - at;
  }

  const std::size_t page_object = sizeof(clawvm::page);
  const std::size_t page_vector = malloc_usable_size(const_cast<clawvm::page*>(e.pages().pages().data()));
  const std::size_t capacity = page_vector / page_object;
  const std::size_t selection_levels = e.last_selection().levels.capacity() * sizeof(clawvm::level);
  const std::size_t session_object = sizeof(clawvm::bench::live_session) + sizeof(clawvm::engine);

  const std::size_t state_heap = engine_heap - rep_content - id_prov_content;
  const double state = per_page(state_heap + session_object, n);
  const double strict = per_page(state_heap + session_object + id_prov_content, n);
  const std::size_t attributed = page_vector + tool_index_heap + selection_levels;
  const double residual = per_page(state_heap > attributed ? state_heap - attributed : 0, n);

  std::printf("pages=%zu budget=%u (policy clawvm, after ingest + 200 turns)\n", n, budget);
  std::printf("  sizeof(page)                      %8zu B  (representations %zu = %zu x (content header + tokens); id + provenance headers %zu; scalars %zu)\n",
              page_object, sizeof(clawvm::page::representations), clawvm::representation_set::slot_count,
              2 * sizeof(std::string),
              page_object - sizeof(clawvm::page::representations) - 2 * sizeof(std::string));
  std::printf("  page vector (capacity %zu)        %8.1f B/page  (slack %.1f B/page)\n", capacity,
              per_page(page_vector, n), per_page(page_vector, n) - static_cast<double>(page_object));
  std::printf("  tool-call index                   %8.1f B/page  (%zu signatures, amortised over all pages)\n",
              per_page(tool_index_heap, n), script.tools.size());
  std::printf("  selection levels                  %8.1f B/page\n", per_page(selection_levels, n));
  std::printf("  id index, scratch, lists          %8.1f B/page  (page id index, selector scratch, engine per-page lists; residual)\n",
              residual);
  std::printf("  engine + session objects          %8.1f B/page  (%zu B once)\n", per_page(session_object, n),
              session_object);
  std::printf("  ---------------------------------------------------------\n");
  std::printf("  policy state besides content      %8.1f B/page  (target <= 512: %s)\n", state,
              state <= 512.0 ? "met" : "MISSED");
  std::printf("  ... also counting id/provenance text %5.1f B/page  (%s)\n", strict,
              strict <= 512.0 ? "<= 512" : "> 512");
  std::printf("  excluded content: representations %8.1f B/page, id + provenance text %.1f B/page\n",
              per_page(rep_content, n), per_page(id_prov_content, n));
  std::printf("  engine live heap in total         %8.1f B/page\n\n", per_page(engine_heap, n));
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes{100, 10'000, 100'000};
  for (int i = 1; i < argc; ++i) {
    if (std::strncmp(argv[i], "--pages=", 8) == 0) {
      sizes = {static_cast<std::size_t>(std::strtoull(argv[i] + 8, nullptr, 10))};
    } else {
      std::fprintf(stderr, "usage: %s [--pages=N]\n", argv[0]);
      return 2;
    }
  }
  for (std::size_t n : sizes) {
    if (n < 20) {
      std::fprintf(stderr, "--pages must be at least 20\n");
      return 2;
    }
    report(n);
  }
  return 0;
}
