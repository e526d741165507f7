# The evaluation suite end to end (spec/suite.md): determinism across --jobs, manifest
# hashes, workload schema, and its planted failures (a vacuous gate, a malformed vector).
# The suite tests replay shorter workloads than the main job (which runs the family
# defaults in a release build): the shape holds from about 40 turns (spec/sweep.md).
set(CLAWVM_SUITE_TEST_TURNS 40 CACHE STRING "turns per generated workload in the suite tests (empty: the full suite)")
foreach(_mode jobs vacuous bad)
  # Only the gates matter for the planted failures: their sweep can be tiny.
  set(_turns ${CLAWVM_SUITE_TEST_TURNS})
  if(NOT _mode STREQUAL "jobs")
    set(_turns 12)
  endif()
  add_test(NAME suite.${_mode}
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:clawvm_cli> -DROOT=${PROJECT_SOURCE_DIR} -DNODE=${CLAWVM_NODE_EXECUTABLE}
            -DWORK=${CMAKE_CURRENT_BINARY_DIR}/suite_${_mode} -DMODE=${_mode} -DTURNS=${_turns}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/suite_check.cmake)
  set_tests_properties(suite.${_mode} PROPERTIES TIMEOUT 900 LABELS suite)
endforeach()
set_tests_properties(suite.jobs PROPERTIES FIXTURES_SETUP suite_outputs)

# The suite's own report.html (not only the fixtures') drawn by headless Chromium: not
# blank, and every policy's colour painted (spec/report.md RPT-12).
add_test(NAME suite.report_renders
  COMMAND ${CMAKE_COMMAND} -DHTML=${CMAKE_CURRENT_BINARY_DIR}/suite_jobs/j1/report.html
          -DPNG=${CMAKE_CURRENT_BINARY_DIR}/suite_jobs/report.png -DNODE=${CLAWVM_NODE_EXECUTABLE} -DEXPECT=not_blank
          "-DREQUIRE_COLOURS=#D55E00,#E69F00,#CC79A7,#56B4E9,#0072B2,#009E73"
          -P ${CMAKE_CURRENT_SOURCE_DIR}/report_render.cmake)
set_tests_properties(suite.report_renders PROPERTIES FIXTURES_REQUIRED suite_outputs LABELS "suite;chromium" TIMEOUT 180)
