# The evaluation report (spec/report.md). Included by tests/CMakeLists.txt.

# RPT-1..RPT-11: rendering from the sample documents in tests/fixtures/report.
clawvm_catch_test(report_test eval/report_test.cpp)
target_link_libraries(report_test PRIVATE clawvm::eval)
target_compile_definitions(report_test PRIVATE CLAWVM_REPORT_FIXTURES="${CMAKE_CURRENT_SOURCE_DIR}/fixtures/report")

# Renders report.html/report.md from a directory of suite documents (the fixtures here).
add_executable(report_fixture_render eval/report_fixture_render.cpp)
target_link_libraries(report_fixture_render PRIVATE clawvm::eval)
clawvm_set_warnings(report_fixture_render)

set(_report_render_dir ${CMAKE_CURRENT_BINARY_DIR}/report_render)
add_test(NAME report.render_fixtures
  COMMAND report_fixture_render ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/report ${_report_render_dir})
set_tests_properties(report.render_fixtures PROPERTIES FIXTURES_SETUP report_fixture_html)

# RPT-12: the report drawn by a real browser is not blank, and the charts were painted:
# each policy colour (the per-policy bars are solid) must be on the screenshot. Chromium
# is required, not optional: without it the test fails and says how to install it.
set(_report_policy_colours "#D55E00,#E69F00,#CC79A7,#56B4E9,#0072B2,#009E73")
add_test(NAME report.render_chromium
  COMMAND ${CMAKE_COMMAND} -DHTML=${_report_render_dir}/report.html -DPNG=${_report_render_dir}/report.png
          -DNODE=${CLAWVM_NODE_EXECUTABLE} -DEXPECT=not_blank "-DREQUIRE_COLOURS=${_report_policy_colours}"
          -P ${CMAKE_CURRENT_SOURCE_DIR}/report_render.cmake)
set_tests_properties(report.render_chromium PROPERTIES
  FIXTURES_REQUIRED report_fixture_html LABELS chromium TIMEOUT 180)

# Negative control: an empty page must be judged blank, or the check above proves nothing.
set(_report_blank_dir ${CMAKE_CURRENT_BINARY_DIR}/report_blank)
file(MAKE_DIRECTORY ${_report_blank_dir})
file(WRITE ${_report_blank_dir}/blank.html "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>blank</title></head><body></body></html>\n")
add_test(NAME report.blank_is_detected
  COMMAND ${CMAKE_COMMAND} -DHTML=${_report_blank_dir}/blank.html -DPNG=${_report_blank_dir}/blank.png
          -DNODE=${CLAWVM_NODE_EXECUTABLE} -DEXPECT=blank
          -P ${CMAKE_CURRENT_SOURCE_DIR}/report_render.cmake)
set_tests_properties(report.blank_is_detected PROPERTIES LABELS chromium TIMEOUT 180)
