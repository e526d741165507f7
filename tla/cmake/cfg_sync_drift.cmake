# Negative controls of `clawvm-explore --check-cfg` (ctest tla.explorer.cfg_sync_rejects_drift):
# on a copy of tla/, a README results row that differs from expected_counts.tsv, a config
# without a row in the table, and a cfg constant that differs from the explorer's must each
# be reported (exit 1, naming the problem).
#   cmake -DEXPLORE=<clawvm-explore> -DTLA_DIR=<tla/> -DWORK=<scratch> -P cfg_sync_drift.cmake
cmake_minimum_required(VERSION 3.25)

# Replaces the first match of the regex `from` in `file` by `to` (\\1 ... allowed).
function(_drift what file from to expect_regex)
  file(REMOVE_RECURSE "${WORK}")
  file(MAKE_DIRECTORY "${WORK}")
  file(GLOB _files "${TLA_DIR}/*.tla" "${TLA_DIR}/*.cfg" "${TLA_DIR}/README.md" "${TLA_DIR}/expected_counts.tsv")
  file(COPY ${_files} DESTINATION "${WORK}")
  file(READ "${WORK}/${file}" _text)
  if(NOT _text MATCHES "${from}")
    message(FATAL_ERROR "${what}: '${from}' not found in ${file}: update this negative control")
  endif()
  string(REGEX REPLACE "${from}" "${to}" _text "${_text}")
  file(WRITE "${WORK}/${file}" "${_text}")
  execute_process(COMMAND "${EXPLORE}" --check-cfg "${WORK}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
  if(NOT _rc EQUAL 1 OR NOT _out MATCHES "${expect_regex}")
    message(FATAL_ERROR "${what}: --check-cfg did not report it (exit ${_rc}):\n${_out}")
  endif()
  message("${what}: reported as it must be")
endfunction()

# Sanity: the unmodified copy is clean.
file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
file(GLOB _files "${TLA_DIR}/*.tla" "${TLA_DIR}/*.cfg" "${TLA_DIR}/README.md" "${TLA_DIR}/expected_counts.tsv")
file(COPY ${_files} DESTINATION "${WORK}")
execute_process(COMMAND "${EXPLORE}" --check-cfg "${WORK}" RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "the unmodified copy of tla/ does not pass --check-cfg:\n${_out}")
endif()

_drift("README drift" README.md "(\n\\| `MCJournal_small` \\|[^|\n]*\\| )[0-9]+ " "\\1999999 "
       "README.md: row MCJournal_small says 999999/")
_drift("missing row" expected_counts.tsv "\nMCClawVM_small\t" "\nMCClawVM_smallish\t"
       "MCClawVM_small: no row")
_drift("constant drift" MCClawVM_small.cfg "MaxTurns = [0-9]+" "MaxTurns = 99"
       "MCClawVM_small.cfg: constant MaxTurns = 99 but the explorer has")
