# Conformance vectors (spec/vectors/README.md): the current build must reproduce the
# committed bytes. Run by the g++ and the clang (ASan) builds alike, so both produce the
# same traces and metrics (RP-1).
#   KIND=replay   : `clawvm replay WORKLOAD --policy all --budget BUDGET --json` == EXPECTED
#   KIND=generate : `clawvm generate --family F --seed 7 --turns 40` == WORKLOAD
cmake_minimum_required(VERSION 3.25)
if(KIND STREQUAL "replay")
  execute_process(COMMAND ${CLI} replay ${WORKLOAD} --policy all --budget ${BUDGET} --json
                  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  set(_expected_file ${EXPECTED})
elseif(KIND STREQUAL "generate")
  execute_process(COMMAND ${CLI} generate --family ${FAMILY} --seed 7 --turns 40 --out -
                  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  set(_expected_file ${WORKLOAD})
else()
  message(FATAL_ERROR "unknown KIND '${KIND}'")
endif()
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "clawvm ${KIND} exited ${_rc}:\n${_err}")
endif()
file(READ ${_expected_file} _expected)
if(NOT _out STREQUAL _expected)
  file(WRITE ${WORK}.actual "${_out}")
  message(FATAL_ERROR "output differs from ${_expected_file} (actual bytes in ${WORK}.actual).\n"
                      "If the change is intended, run scripts/update-vectors.sh and explain it in the commit.")
endif()
