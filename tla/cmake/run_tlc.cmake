# Runs TLC on one tla/<CONFIG>.cfg and holds it to the config's row of
# tla/expected_counts.tsv (the table the explorer's --expect reads too):
#   ok         exit 0, "No error has been found", and TLC's distinct-state count and
#              diameter equal the row's;
#   invariant  exit 12 and "Error: Invariant <check> is violated.", with a counterexample
#              of the row's length (TLC with one worker searches breadth-first);
#   action     exit 13 and "Error: Action property <check> is violated.", same length rule;
#   temporal   exit 13 and "Error: Temporal property <check> was violated.".
#   simulate   (too large to enumerate) TLC -simulate: exit 0, every behaviour generated.
# With -DSIMULATE=ON any row is checked by simulation (TLC's -simulate num=SIM_TRACES
# -depth SIM_DEPTH -seed SIM_SEED; defaults 1000, 100, 1): ok and simulate rows must give
# exit 0, violation rows the named violation (not necessarily a shortest one; temporal
# rows cannot be refuted by simulation and are refused as a usage error).
# A parse or semantic error (150), a deadlock (11) or any other exit is a failure, never
# a refutation.  TLC writes only below WORK: -metadir, -noGenerateSpecTE and
# java.io.tmpdir keep the source tree clean (checked after the run).
#
#   cmake -DJAVA=java -DTLC_DIR=<dir with tla2tools.jar> -DTLA_DIR=<tla/> -DCONFIG=MCJournal
#         -DTABLE=<expected_counts.tsv> -DWORK=<scratch dir> [-DMODULE=<model module>]
#         [-DEXPECT_FAILURE=<regex>] -P run_tlc.cmake
# EXPECT_FAILURE turns the run into a negative control of this script: it must reject
# the run with a message matching the regex (a wrong count, a parse error, a deadlock).
cmake_minimum_required(VERSION 3.25)

# Every rejection goes through here.
macro(_tlc_fail)
  string(CONCAT _why ${ARGN})
  if(DEFINED EXPECT_FAILURE)
    if(_why MATCHES "${EXPECT_FAILURE}")
      message("negative control: rejected as it must be: ${_why}")
      return()
    endif()
    message(FATAL_ERROR "negative control: rejected for another reason than '${EXPECT_FAILURE}': ${_why}")
  endif()
  message(FATAL_ERROR "${_why}")
endmacro()
foreach(_v JAVA TLC_DIR TLA_DIR CONFIG TABLE WORK)
  if(NOT DEFINED ${_v} OR "${${_v}}" STREQUAL "")
    message(FATAL_ERROR "run_tlc.cmake: ${_v} is required")
  endif()
endforeach()
if(NOT JAVA OR JAVA MATCHES "NOTFOUND$")
  message(FATAL_ERROR "java not found: TLC needs a Java runtime (Debian: default-jre-headless, "
                      "scripts/install-deps.sh installs it); reconfigure after installing it")
endif()
if(NOT EXISTS "${TLC_DIR}/tla2tools.jar")
  message(FATAL_ERROR "${TLC_DIR}/tla2tools.jar is missing")
endif()

# The config's row: config, expect, check, distinct, diameter, trace.
file(STRINGS "${TABLE}" _lines)
set(_row "")
foreach(_line IN LISTS _lines)
  if(_line MATCHES "^${CONFIG}\t")
    string(REPLACE "\t" ";" _row "${_line}")
  endif()
endforeach()
list(LENGTH _row _n)
if(NOT _n EQUAL 6)
  _tlc_fail("${TABLE} has no well-formed row for ${CONFIG}")
endif()
list(GET _row 1 _expect)
list(GET _row 2 _check)
list(GET _row 3 _distinct)
list(GET _row 4 _diameter)
list(GET _row 5 _trace)

if(DEFINED MODULE AND NOT MODULE STREQUAL "")
  set(_module "${MODULE}")
else()
  string(REGEX MATCH "^MC[A-Za-z]+" _module "${CONFIG}")  # MCJournal_deep -> MCJournal
endif()
if(NOT EXISTS "${TLA_DIR}/${CONFIG}.cfg" OR NOT EXISTS "${TLA_DIR}/${_module}.tla")
  _tlc_fail("${TLA_DIR}/${CONFIG}.cfg or its model module ${_module}.tla is missing")
endif()

if(_expect STREQUAL "simulate")
  set(SIMULATE ON)
endif()
foreach(_v SIM_TRACES:1000 SIM_DEPTH:100 SIM_SEED:1)
  string(REPLACE ":" ";" _v "${_v}")
  list(GET _v 0 _name)
  list(GET _v 1 _default)
  if(NOT DEFINED ${_name} OR "${${_name}}" STREQUAL "")
    set(${_name} ${_default})
  endif()
endforeach()
if(SIMULATE AND _expect STREQUAL "temporal")
  message(FATAL_ERROR "run_tlc.cmake: ${CONFIG} expects a temporal violation, which simulation cannot show")
endif()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}/tmp")
# One worker: a breadth-first search whose counts, diameter and counterexamples do not
# depend on scheduling; a fixed fingerprint polynomial and seed.
# Simulation: random behaviours from one seed (TLC's -simulate), for configs too large
# to enumerate.
if(SIMULATE)
  set(_mode -simulate "num=${SIM_TRACES}" -depth "${SIM_DEPTH}" -seed "${SIM_SEED}")
else()
  set(_mode -fp 1 -seed 1)
endif()
set(_cmd "${JAVA}" -XX:+UseParallelGC -Xmx1g "-Djava.io.tmpdir=${WORK}/tmp"
         -cp "${TLC_DIR}/tla2tools.jar" tlc2.TLC -workers 1 ${_mode}
         -metadir "${WORK}/states" -noGenerateSpecTE -config "${CONFIG}.cfg" "${_module}.tla")
string(TIMESTAMP _t0 "%s")
execute_process(COMMAND ${_cmd} WORKING_DIRECTORY "${TLA_DIR}" RESULT_VARIABLE _rc
                OUTPUT_VARIABLE _out ERROR_VARIABLE _out)
string(TIMESTAMP _t1 "%s")
math(EXPR _secs "${_t1} - ${_t0}")
file(WRITE "${WORK}/tlc.out" "${_out}")
string(REPLACE ";" " " _shown "${_cmd}")
message("(cd ${TLA_DIR} && ${_shown})\nexit ${_rc}, about ${_secs} s; full output: ${WORK}/tlc.out")

# The facts TLC reports.
set(_found "")
set(_depth "")
# The summary line at the end (progress lines before it print the numbers with commas).
if(_out MATCHES "\n([0-9]+) states generated, ([0-9]+) distinct states found, ([0-9]+) states left on queue")
  set(_found "${CMAKE_MATCH_2}")
endif()
if(_out MATCHES "The depth of the complete state graph search is ([0-9]+)")
  set(_depth "${CMAKE_MATCH_1}")
endif()
set(_states 0)
string(REGEX MATCHALL "\nState [0-9]+:" _state_lines "${_out}")
foreach(_s IN LISTS _state_lines)
  string(REGEX MATCH "[0-9]+" _k "${_s}")
  if(_k GREATER _states)
    set(_states ${_k})
  endif()
endforeach()
string(REGEX MATCHALL "Error:[^\n]*" _errors "${_out}")
string(REPLACE ";" "\n  " _errors "${_errors}")
message("TLC: distinct ${_found}, diameter ${_depth}, counterexample states ${_states}\n  ${_errors}")

# Nothing may have been written into the source tree.
file(GLOB _litter "${TLA_DIR}/states" "${TLA_DIR}/*_TTrace_*" "${TLA_DIR}/*.st" "${TLA_DIR}/*.fp")
if(_litter)
  _tlc_fail("TLC wrote into the source tree: ${_litter}")
endif()

if(_rc EQUAL 150 OR _out MATCHES "Parse Error|Semantic errors|\\*\\*\\* Errors:")
  _tlc_fail("${CONFIG}: TLC could not parse or analyse the spec (exit ${_rc}): a parse error is never a pass or a refutation")
endif()
if(_rc EQUAL 11 OR _out MATCHES "Error: Deadlock reached")
  _tlc_fail("${CONFIG}: TLC reached a deadlock (exit ${_rc})")
endif()

if(SIMULATE AND (_expect STREQUAL "ok" OR _expect STREQUAL "simulate"))
  # The last progress line counts the behaviours (with thousands separators).
  string(REGEX MATCHALL "[0-9,]+ traces generated" _progress "${_out}")
  list(POP_BACK _progress _last)
  string(REGEX REPLACE "[^0-9]" "" _traces "${_last}")
  if(NOT _rc EQUAL 0)
    _tlc_fail("${CONFIG}: expected no error in simulation, TLC exited ${_rc}")
  endif()
  if(NOT _traces STREQUAL SIM_TRACES)
    _tlc_fail("${CONFIG}: TLC generated '${_traces}' behaviours, ${SIM_TRACES} were asked for")
  endif()
elseif(_expect STREQUAL "ok")
  if(NOT _rc EQUAL 0 OR NOT _out MATCHES "Model checking completed. No error has been found.")
    _tlc_fail("${CONFIG}: expected no error, TLC exited ${_rc}")
  endif()
  if(NOT _found STREQUAL _distinct OR NOT _depth STREQUAL _diameter)
    _tlc_fail("${CONFIG}: TLC found ${_found} distinct states / diameter ${_depth}, "
                        "expected_counts.tsv (and the explorer) says ${_distinct} / ${_diameter}")
  endif()
elseif(_expect STREQUAL "invariant" OR _expect STREQUAL "action" OR _expect STREQUAL "temporal")
  if(_expect STREQUAL "invariant")
    set(_code 12)
    set(_line "Error: Invariant ${_check} is violated.")
  elseif(_expect STREQUAL "action")
    set(_code 13)
    set(_line "Error: Action property ${_check} is violated.")
  else()
    set(_code 13)
    set(_line "Error: Temporal property ${_check} was violated.")
  endif()
  if(NOT _rc EQUAL _code)
    _tlc_fail("${CONFIG}: expected TLC to refute ${_check} (exit ${_code}), it exited ${_rc}")
  endif()
  string(FIND "${_out}" "${_line}" _at)
  if(_at EQUAL -1)
    _tlc_fail("${CONFIG}: TLC's output lacks \"${_line}\"")
  endif()
  if(NOT _expect STREQUAL "temporal" AND NOT SIMULATE AND NOT _states EQUAL _trace)
    _tlc_fail("${CONFIG}: TLC's counterexample has ${_states} states, expected_counts.tsv (and the "
                        "explorer's shortest one) ${_trace}")
  endif()
else()
  _tlc_fail("${TABLE}: unknown expectation '${_expect}' for ${CONFIG}")
endif()
if(DEFINED EXPECT_FAILURE)
  message(FATAL_ERROR "negative control: the run was accepted, but it had to be rejected ('${EXPECT_FAILURE}')")
endif()
message("${CONFIG}: TLC agrees with expected_counts.tsv (${_expect})")
