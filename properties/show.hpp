#pragma once
// RapidCheck printers for the library's enums, so a falsified RC_ASSERT shows
// `hard_pin_violation == stale_version` instead of `<???> == <???>`. Found by ADL, hence
// declared in namespace clawvm (test executables only).

#include <ostream>

#include "clawvm/durable_store.hpp"
#include "clawvm/faults.hpp"
#include "clawvm/page_type.hpp"
#include "clawvm/reason_code.hpp"
#include "clawvm/selector.hpp"
#include "clawvm/update.hpp"

namespace clawvm {

inline void showValue(level v, std::ostream& os) { os << to_string(v); }
inline void showValue(page_type v, std::ostream& os) { os << to_string(v); }
inline void showValue(pin_class v, std::ostream& os) { os << to_string(v); }
inline void showValue(scope v, std::ostream& os) { os << to_string(v); }
inline void showValue(reason_code v, std::ostream& os) { os << to_string(v); }
inline void showValue(journal_phase v, std::ostream& os) { os << to_string(v); }
inline void showValue(journal_op v, std::ostream& os) { os << to_string(v); }
inline void showValue(fault_kind v, std::ostream& os) { os << to_string(v); }
inline void showValue(upgrade_mode v, std::ostream& os) { os << to_string(v); }

}  // namespace clawvm
