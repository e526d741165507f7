# tla/scripts/tlc-big.sh, as a user on a big machine runs it, here on small configs:
#  - check with two workers gives the table's distinct-state count (the count does not
#    depend on the number of workers; the diameter may, so it is not compared);
#  - simulate refutes a _bug config with its named invariant (TLC exit 12);
#  - a usage error exits 2.
#   cmake -DSCRIPT=<tlc-big.sh> -DTLC_DIR=<dir> -DTABLE=<expected_counts.tsv> -DWORK=<dir> -P tlc_big_script.cmake
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${WORK}")
set(ENV{CLAWVM_TLC_JAR} "${TLC_DIR}/tla2tools.jar")
file(STRINGS "${TABLE}" _row REGEX "^MCLifecycle_small\t")
string(REPLACE "\t" ";" _row "${_row}")
list(GET _row 3 _distinct)

execute_process(COMMAND bash "${SCRIPT}" check MCLifecycle_small --workers 2 --heap 1g --work "${WORK}/check"
                RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0 OR NOT _out MATCHES "\n[0-9]+ states generated, ${_distinct} distinct states found, 0 states left on queue")
  message(FATAL_ERROR "check MCLifecycle_small --workers 2: exit ${_rc}, expected ${_distinct} distinct states\n${_out}${_err}")
endif()
message("check MCLifecycle_small --workers 2: ${_distinct} distinct states, as the table says")

execute_process(COMMAND bash "${SCRIPT}" simulate MCLifecycle_flush_overwrites_memory_bug --seed 1 --traces 2000
                        --depth 50 --work "${WORK}/simulate"
                RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT _rc EQUAL 12 OR NOT _out MATCHES "Error: Invariant CommittedSurvivesInv is violated")
  message(FATAL_ERROR "simulate the flush_overwrites_memory bug: exit ${_rc}, expected 12 and CommittedSurvivesInv\n${_out}${_err}")
endif()
message("simulate MCLifecycle_flush_overwrites_memory_bug --seed 1: CommittedSurvivesInv refuted (exit 12)")

execute_process(COMMAND bash "${SCRIPT}" simulate MCLifecycle_big RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT _rc EQUAL 2 OR NOT _err MATCHES "simulate needs --seed")
  message(FATAL_ERROR "simulate without --seed: exit ${_rc}, expected 2\n${_out}${_err}")
endif()
file(GLOB _litter "${CMAKE_CURRENT_LIST_DIR}/../states" "${CMAKE_CURRENT_LIST_DIR}/../*.st")
if(_litter)
  message(FATAL_ERROR "TLC wrote into the source tree: ${_litter}")
endif()
message("tlc-big.sh: check, simulate and a usage error as documented")
