# Run a command and require an exact exit code (and optionally output that
# matches a regex).  A crash or a signal is never the expected exit code.
#   cmake -DCMD="prog;arg1;arg2" -DEXPECT_CODE=1 [-DEXPECT_REGEX=...] -P expect_exit.cmake
if(NOT DEFINED CMD OR NOT DEFINED EXPECT_CODE)
  message(FATAL_ERROR "expect_exit.cmake: CMD and EXPECT_CODE are required")
endif()
execute_process(COMMAND ${CMD} RESULT_VARIABLE code OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT "${code}" STREQUAL "${EXPECT_CODE}")
  message(FATAL_ERROR "expected exit code ${EXPECT_CODE}, got '${code}'")
endif()
if(DEFINED EXPECT_REGEX AND NOT "${out}${err}" MATCHES "${EXPECT_REGEX}")
  message(FATAL_ERROR "output does not match '${EXPECT_REGEX}'")
endif()
