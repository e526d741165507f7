# Trace validation by TLC, held against the C++ validator (ctest tla.trace.*):
#   1. replays a gate workload under ClawVM and writes its decision trace
#      (clawvm replay W --policy clawvm --budget 300 --trace T) - or, for a sample of the
#      evaluation suite, generates a workload of FAMILY with SEED (clawvm generate) and
#      replays it under POLICY at BUDGET;
#   2. optionally corrupts one line of it (CORRUPT, below) - the expected first bad line
#      is that line's number (or lines + 1 for a trace cut short);
#   3. runs `clawvm check-trace` (the C++ validator) and TLC on tla/TraceClawVM.tla with
#      TRACE=T (the Community Modules on the class path);
#   4. requires the same verdict from both: accepted (TLC: no error, Len + 1 distinct states
#      and depth Len + 1, i.e. every line consumed) or rejected at the same line (TLC: a
#      deadlock in the state with l = that line) - and, for a corrupted trace, rejection
#      exactly at the corrupted line.  Any other TLC outcome (a parse error, an evaluation
#      error, an invariant) is a failure.
#
#   cmake -DCLAWVM=<clawvm> -DJAVA=java -DTLC_DIR=<tlc dir> -DTLA_DIR=<tla/>
#         (-DVECTOR=<workload> | -DFAMILY=<generator family> [-DSEED=1])
#         [-DPOLICY=clawvm] [-DBUDGET=300] -DWORK=<scratch>
#         [-DCORRUPT=commit_unstaged|install_wrong_level|over_budget|truncated]
#         -P trace_tlc.cmake
# CORRUPT modes: commit_unstaged - the first commit names journal entry 999 (never staged);
# install_wrong_level - the first install "from none" claims "from full"; over_budget - the
# first select reports a budget of 1 token (BudgetInv); truncated - the trace stops right
# after the first destroy line (it ends inside a boundary).
cmake_minimum_required(VERSION 3.25)
foreach(_v CLAWVM JAVA TLC_DIR TLA_DIR WORK)
  if(NOT DEFINED ${_v} OR "${${_v}}" STREQUAL "")
    message(FATAL_ERROR "trace_tlc.cmake: ${_v} is required")
  endif()
endforeach()
if(NOT JAVA OR JAVA MATCHES "NOTFOUND$")
  message(FATAL_ERROR "java not found: TLC needs a Java runtime (Debian: default-jre-headless)")
endif()
foreach(_jar tla2tools.jar CommunityModules-deps.jar)
  if(NOT EXISTS "${TLC_DIR}/${_jar}")
    message(FATAL_ERROR "${TLC_DIR}/${_jar} is missing")
  endif()
endforeach()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/tmp")
set(_trace "${WORK}/trace.jsonl")

# 1. The trace.
if(NOT DEFINED POLICY)
  set(POLICY clawvm)
endif()
if(NOT DEFINED BUDGET)
  set(BUDGET 300)
endif()
if(DEFINED FAMILY AND NOT FAMILY STREQUAL "")
  if(NOT DEFINED SEED)
    set(SEED 1)
  endif()
  set(VECTOR "${WORK}/workload.jsonl")
  execute_process(COMMAND "${CLAWVM}" generate --family "${FAMILY}" --seed "${SEED}" --out "${VECTOR}"
                  RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "clawvm generate --family ${FAMILY} failed (exit ${_rc}): ${_err}")
  endif()
elseif(NOT DEFINED VECTOR OR VECTOR STREQUAL "")
  message(FATAL_ERROR "trace_tlc.cmake: VECTOR or FAMILY is required")
endif()
execute_process(COMMAND "${CLAWVM}" replay "${VECTOR}" --policy "${POLICY}" --budget "${BUDGET}" --trace "${_trace}"
                RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0 OR NOT EXISTS "${_trace}")
  message(FATAL_ERROR "clawvm replay failed (exit ${_rc}): ${_err}")
endif()
file(READ "${_trace}" _text)

# The 1-based number of the line that contains byte offset `at`.
function(_line_of text at out)
  string(SUBSTRING "${text}" 0 ${at} _before)
  string(REGEX MATCHALL "\n" _nl "${_before}")
  list(LENGTH _nl _n)
  math(EXPR _n "${_n} + 1")
  set(${out} ${_n} PARENT_SCOPE)
endfunction()
# Replaces the first match of regex `re` in _text by `with` (\\1 refers to a group of
# `re`); sets _bad_line to the number of the line it was on.
function(_corrupt_first re with)
  string(REGEX MATCH "${re}" _m "${_text}")
  if(_m STREQUAL "")
    message(FATAL_ERROR "corruption ${CORRUPT}: no line matches '${re}' in the trace")
  endif()
  string(FIND "${_text}" "${_m}" _at)
  string(LENGTH "${_m}" _len)
  math(EXPR _after "${_at} + ${_len}")
  string(SUBSTRING "${_text}" 0 ${_at} _head)
  string(SUBSTRING "${_text}" ${_after} -1 _tail)
  string(REGEX REPLACE "${re}" "${with}" _new "${_m}")
  _line_of("${_text}" ${_at} _n)
  set(_text "${_head}${_new}${_tail}" PARENT_SCOPE)
  set(_bad_line ${_n} PARENT_SCOPE)
endfunction()

# 2. The corruption, if any.
set(_bad_line "")
if(DEFINED CORRUPT AND NOT CORRUPT STREQUAL "")
  if(CORRUPT STREQUAL "commit_unstaged")
    _corrupt_first("(\"event\":\"commit\",\"field\":\"[^\"]*\",\"journal_seq\":)[0-9]+" "\\1999")
  elseif(CORRUPT STREQUAL "install_wrong_level")
    _corrupt_first("\"event\":\"install\",\"from\":\"none\"" "\"event\":\"install\",\"from\":\"full\"")
  elseif(CORRUPT STREQUAL "over_budget")
    _corrupt_first("\"tokens_budget\":[0-9]+,\"tokens_used\"" "\"tokens_budget\":1,\"tokens_used\"")
  elseif(CORRUPT STREQUAL "truncated")
    string(FIND "${_text}" "\"event\":\"destroy\"" _at)
    if(_at EQUAL -1)
      message(FATAL_ERROR "corruption truncated: the trace has no destroy line")
    endif()
    string(SUBSTRING "${_text}" ${_at} -1 _rest)
    string(FIND "${_rest}" "\n" _nl)
    math(EXPR _end "${_at} + ${_nl} + 1")
    string(SUBSTRING "${_text}" 0 ${_end} _text)
    string(REGEX MATCHALL "\n" _nls "${_text}")
    list(LENGTH _nls _bad_line)
    math(EXPR _bad_line "${_bad_line} + 1")
  else()
    message(FATAL_ERROR "unknown CORRUPT mode '${CORRUPT}'")
  endif()
  file(WRITE "${_trace}" "${_text}")
endif()
string(REGEX MATCHALL "\n" _nls "${_text}")
list(LENGTH _nls _lines)

# 3a. The C++ validator.
execute_process(COMMAND "${CLAWVM}" check-trace "${_trace}" RESULT_VARIABLE _crc OUTPUT_VARIABLE _cout
                ERROR_VARIABLE _cout)
string(STRIP "${_cout}" _cout)
if(_crc EQUAL 0 AND _cout MATCHES ": OK, ")
  set(_cpp "accepted")
elseif(_crc EQUAL 1 AND _cout MATCHES "trace.jsonl:([0-9]+): ")
  set(_cpp "rejected at line ${CMAKE_MATCH_1}")
else()
  message(FATAL_ERROR "clawvm check-trace: unexpected exit ${_crc}: ${_cout}")
endif()

# 3b. TLC.
set(_cmd "${CMAKE_COMMAND}" -E env "TRACE=${_trace}"
         "${JAVA}" -XX:+UseParallelGC -Xmx1g "-Djava.io.tmpdir=${WORK}/tmp"
         -cp "${TLC_DIR}/tla2tools.jar:${TLC_DIR}/CommunityModules-deps.jar" tlc2.TLC -workers 1
         -metadir "${WORK}/states" -noGenerateSpecTE -config TraceClawVM.cfg TraceClawVM.tla)
execute_process(COMMAND ${_cmd} WORKING_DIRECTORY "${TLA_DIR}" RESULT_VARIABLE _trc
                OUTPUT_VARIABLE _tout ERROR_VARIABLE _tout)
file(WRITE "${WORK}/tlc.out" "${_tout}")
file(GLOB _litter "${TLA_DIR}/states" "${TLA_DIR}/*_TTrace_*")
if(_litter)
  message(FATAL_ERROR "TLC wrote into the source tree: ${_litter}")
endif()
set(_found "")
set(_depth "")
if(_tout MATCHES "\n([0-9]+) states generated, ([0-9]+) distinct states found")
  set(_found "${CMAKE_MATCH_2}")
endif()
if(_tout MATCHES "The depth of the complete state graph search is ([0-9]+)")
  set(_depth "${CMAKE_MATCH_1}")
endif()
math(EXPR _want "${_lines} + 1")
if(_trc EQUAL 0 AND _tout MATCHES "Model checking completed. No error has been found.")
  if(NOT _found STREQUAL "${_want}" OR NOT _depth STREQUAL "${_want}")
    message(FATAL_ERROR "TLC accepted after ${_found} states / depth ${_depth}; a trace of ${_lines} lines "
                        "needs ${_want} / ${_want} (every line consumed)")
  endif()
  set(_tlc "accepted")
elseif(_trc EQUAL 11 AND _tout MATCHES "Error: Deadlock reached.")
  string(REGEX MATCHALL "\n/\\\\ l = [0-9]+" _ls "${_tout}")
  list(GET _ls -1 _last)
  string(REGEX MATCH "[0-9]+$" _l "${_last}")
  set(_tlc "rejected at line ${_l}")
else()
  string(REGEX MATCHALL "Error:[^\n]*" _errors "${_tout}")
  message(FATAL_ERROR "TLC neither accepted nor rejected the trace (exit ${_trc}): ${_errors}\n"
                      "full output: ${WORK}/tlc.out")
endif()

message("${_lines} lines; clawvm check-trace: ${_cpp} (${_cout}); TLC (TraceClawVM.tla): ${_tlc}")
if(NOT _cpp STREQUAL _tlc)
  message(FATAL_ERROR "the C++ validator and TLC disagree: ${_cpp} vs ${_tlc}")
endif()
if(_bad_line STREQUAL "")
  if(NOT _tlc STREQUAL "accepted")
    message(FATAL_ERROR "the engine's own trace was rejected by both validators")
  endif()
elseif(NOT _tlc STREQUAL "rejected at line ${_bad_line}")
  message(FATAL_ERROR "the trace corrupted at line ${_bad_line} was ${_tlc}")
endif()
message("agree: ${_tlc}")
