# Runs CMD (a ;-list) and requires exit code EXPECT_CODE (a crash is never a match) and,
# when EXPECT_OUTPUT is given, that stdout+stderr contain it (a plain substring).
execute_process(COMMAND ${CMD} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT "${_rc}" STREQUAL "${EXPECT_CODE}")
  message(FATAL_ERROR "expected exit ${EXPECT_CODE}, got '${_rc}'\nstdout:\n${_out}\nstderr:\n${_err}")
endif()
if(DEFINED EXPECT_OUTPUT)
  string(FIND "${_out}${_err}" "${EXPECT_OUTPUT}" _at)
  if(_at EQUAL -1)
    message(FATAL_ERROR "output does not contain '${EXPECT_OUTPUT}'\nstdout:\n${_out}\nstderr:\n${_err}")
  endif()
endif()
message(STATUS "exit ${_rc} as expected: ${_err}\n${_out}")
