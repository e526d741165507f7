// Must NOT compile: a boundary table whose entry sits under another boundary's key is
// refused when it is folded (include/clawvm/boundary.hpp, spec/engine.md EN-5), so a
// mistake in the table is a compile error, never a wrong lookup.
#include "clawvm/boundary.hpp"

namespace hana = boost::hana;
using namespace clawvm;

#ifdef CLAWVM_POSITIVE_CONTROL
// The positive control: the library's own table folds.
constexpr auto folded = detail::fold_boundary_table(boundary_table);
#else
// Pruning's semantics filed under memory_flush (and memory_flush's under pruning).
constexpr auto folded = detail::fold_boundary_table(hana::make_map(
    hana::make_pair(hana::type_c<boundary_tag<boundary::compaction>>,
                    boundary_semantics{boundary::compaction, destroyed_context::everything, false}),
    hana::make_pair(hana::type_c<boundary_tag<boundary::memory_flush>>,
                    boundary_semantics{boundary::pruning, destroyed_context::tool_output_and_transcript, false}),
    hana::make_pair(hana::type_c<boundary_tag<boundary::pruning>>,
                    boundary_semantics{boundary::memory_flush, destroyed_context::nothing, false}),
    hana::make_pair(hana::type_c<boundary_tag<boundary::reset>>,
                    boundary_semantics{boundary::reset, destroyed_context::everything, true}),
    hana::make_pair(hana::type_c<boundary_tag<boundary::session_end>>,
                    boundary_semantics{boundary::session_end, destroyed_context::everything, true}),
    hana::make_pair(hana::type_c<boundary_tag<boundary::shutdown>>,
                    boundary_semantics{boundary::shutdown, destroyed_context::everything, true})));
#endif
static_assert(folded[0].kind == boundary::compaction);
