# CF-14: the second implementation's decision trace of a stream is validated against the
# model by `clawvm check-trace` (and, for the correct engine, equals the reference's byte
# for byte). With BUG set, the planted bug must make check-trace report a divergence.
#   cmake -DCLI=<clawvm> -DPYTHON=<python3> -DENGINE=<clawvm-py> -DSTREAM=<requests> -DWORK=<dir> [-DBUG=<name>] -P python_trace.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
if(DEFINED BUG)
  set(ENV{CLAWVM_PY_BUG} ${BUG})
endif()
execute_process(COMMAND ${PYTHON} ${ENGINE} serve --policy clawvm --budget 120 --trace ${WORK}/python.trace.jsonl
                INPUT_FILE ${STREAM} OUTPUT_QUIET RESULT_VARIABLE _rc ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "the Python engine exited ${_rc}:\n${_err}")
endif()
execute_process(COMMAND ${CLI} check-trace ${WORK}/python.trace.jsonl RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(DEFINED BUG)
  if(NOT _rc EQUAL 1 OR NOT _out MATCHES "diverges at event")
    message(FATAL_ERROR "check-trace did not catch the planted bug ${BUG} (exit ${_rc}):\n${_out}${_err}")
  endif()
  message(STATUS "${_out}")
  return()
endif()
if(NOT _rc EQUAL 0 OR NOT _out MATCHES "steps follow the model")
  message(FATAL_ERROR "check-trace refused the Python engine's trace (exit ${_rc}):\n${_out}${_err}")
endif()
execute_process(COMMAND ${CLI} serve --store :memory: --policy clawvm --budget 120 --trace ${WORK}/reference.trace.jsonl
                INPUT_FILE ${STREAM} OUTPUT_QUIET ERROR_QUIET RESULT_VARIABLE _rc)
file(SHA256 ${WORK}/python.trace.jsonl _python)
file(SHA256 ${WORK}/reference.trace.jsonl _reference)
if(NOT _python STREQUAL _reference)
  message(FATAL_ERROR "the Python engine's trace differs from the reference's")
endif()
message(STATUS "${_out}")
