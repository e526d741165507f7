# CF-12: `clawvm conform --random` finds the Python engine's planted tie-break bug, shrinks
# the workload, and writes a case that fails the buggy engine at the same check and passes
# the correct one. The same seed gives the same shrunk case.
#   cmake -DCLI=<clawvm> -DSUT=<python sut command> -DWORK=<dir> -P random_shrinks.cmake
file(REMOVE_RECURSE ${WORK})
set(ENV{CLAWVM_PY_BUG} wrong_tie_break)
foreach(_run a b)
  execute_process(COMMAND ${CLI} conform --sut ${SUT} --random 40 --seed 11 --tier should --shrink-out ${WORK}/${_run}
                  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out_${_run} ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 1)
    message(FATAL_ERROR "conform --random found nothing (exit ${_rc}):\n${_out_${_run}}${_err}")
  endif()
endforeach()
message(STATUS "${_out_a}")
string(REPLACE "${WORK}/a" "DIR" _same_a "${_out_a}")
string(REPLACE "${WORK}/b" "DIR" _same_b "${_out_b}")
if(NOT _same_a STREQUAL _same_b)
  message(FATAL_ERROR "the same seed gave different findings:\n${_out_a}\n---\n${_out_b}")
endif()
string(REGEX MATCH "after shrinking \\(([0-9]+) events" _m "${_out_a}")
if(NOT _m OR CMAKE_MATCH_1 GREATER 40)
  message(FATAL_ERROR "the workload was not shrunk to at most 40 events:\n${_out_a}")
endif()
string(REGEX MATCH "before shrinking \\(([0-9]+) events" _b "${_out_a}")
if(NOT CMAKE_MATCH_1 GREATER 60)
  message(FATAL_ERROR "the divergent workload was already small; the test shows no shrinking:\n${_out_a}")
endif()
# The written case reproduces: it fails the buggy engine ...
execute_process(COMMAND ${CLI} conform --sut ${SUT} --cases ${WORK}/a --tier should RESULT_VARIABLE _rc OUTPUT_VARIABLE _o ERROR_VARIABLE _e)
if(NOT _rc EQUAL 1 OR NOT _o MATCHES "FAIL  should.random.s11_")
  message(FATAL_ERROR "the shrunk case does not fail the buggy engine (exit ${_rc}):\n${_o}${_e}")
endif()
# ... and passes the correct one.
unset(ENV{CLAWVM_PY_BUG})
execute_process(COMMAND ${CLI} conform --sut ${SUT} --cases ${WORK}/a --tier should RESULT_VARIABLE _rc OUTPUT_VARIABLE _o ERROR_VARIABLE _e)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "the shrunk case fails the correct engine (exit ${_rc}):\n${_o}${_e}")
endif()
