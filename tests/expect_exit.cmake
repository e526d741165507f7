# Runs CMD (a ;-list) and requires exit code EXPECT_CODE (a crash is never a match).
execute_process(COMMAND ${CMD} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT "${_rc}" STREQUAL "${EXPECT_CODE}")
  message(FATAL_ERROR "expected exit ${EXPECT_CODE}, got '${_rc}'\nstdout:\n${_out}\nstderr:\n${_err}")
endif()
message(STATUS "exit ${_rc} as expected: ${_err}")
