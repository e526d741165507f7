# Runs a property executable built against a planted mutant and succeeds only if the run
# fails *because a property was falsified* (RapidCheck's "Falsifiable after ..."), not
# because it crashed or did not start. Used by the <suite>_mutant ctests.
#
#   cmake -DEXE=<executable> [-DFILTER=<catch test spec>] [-DEXPECT=<regex>] -P expect_failure.cmake
if(NOT DEFINED EXE)
  message(FATAL_ERROR "expect_failure.cmake: EXE not set")
endif()
set(cmd "${EXE}")
if(DEFINED FILTER)
  list(APPEND cmd "${FILTER}")
endif()
execute_process(COMMAND ${cmd} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(rc EQUAL 0)
  message(FATAL_ERROR "MUTANT SURVIVED: every property passed on ${EXE}; the suite cannot see this bug")
endif()
if(NOT "${out}${err}" MATCHES "Falsifiable after")
  message(FATAL_ERROR "mutant run failed (exit ${rc}) but no property was falsified (crash?)")
endif()
# Catch wraps long messages: match EXPECT against the output with whitespace collapsed.
string(REGEX REPLACE "[ \t\r\n]+" " " flat "${out}${err}")
if(DEFINED EXPECT AND NOT flat MATCHES "${EXPECT}")
  message(FATAL_ERROR "a property was falsified, but not the expected one (${EXPECT})")
endif()
message(STATUS "mutant killed: a property was falsified as expected (exit ${rc})")
