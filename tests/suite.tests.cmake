# The evaluation suite end to end (spec/suite.md): determinism across --jobs, manifest
# hashes, workload schema, and its planted failures (a vacuous gate, a malformed vector).
find_program(CLAWVM_NODE node)
set(CLAWVM_SUITE_TEST_TURNS "" CACHE STRING "turns per generated workload in the suite tests (empty: the full suite)")
foreach(_mode jobs vacuous bad)
  add_test(NAME suite.${_mode}
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:clawvm_cli> -DROOT=${PROJECT_SOURCE_DIR} -DNODE=${CLAWVM_NODE}
            -DWORK=${CMAKE_CURRENT_BINARY_DIR}/suite_${_mode} -DMODE=${_mode} -DTURNS=${CLAWVM_SUITE_TEST_TURNS}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/suite_check.cmake)
  set_tests_properties(suite.${_mode} PROPERTIES TIMEOUT 900 LABELS suite)
endforeach()
