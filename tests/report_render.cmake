# Renders an HTML file in headless Chromium and checks the screenshot (spec/report.md
# RPT-12). Also the way to make docs/report-screenshot.png from a real suite run:
#
#   cmake -DHTML=out/report.html -DPNG=docs/report-screenshot.png -P tests/report_render.cmake
#
# Variables:
#   HTML              the page (required)
#   PNG               the screenshot to write (required; replaced)
#   EXPECT            not_blank (default) or blank (the negative control)
#   REQUIRE_COLOURS   comma-separated #rrggbb that must be painted (only with not_blank)
#   NODE              node executable (default: found on PATH)
#   CHROMIUM          browser executable (default: chromium, chromium-browser, google-chrome)
#   WINDOW            viewport, default 1280,2400 (the screenshot is this size)
#   CHECKER           default: tools/png-not-blank.js next to this script
#
# A missing browser is a failure, not a skip: CI installs it (scripts/install-deps.sh).

if(NOT HTML OR NOT PNG)
  message(FATAL_ERROR "report_render: usage: cmake -DHTML=page.html -DPNG=out.png [-DEXPECT=not_blank|blank] -P report_render.cmake")
endif()
if(NOT EXPECT)
  set(EXPECT not_blank)
endif()
if(NOT EXPECT MATCHES "^(not_blank|blank)$")
  message(FATAL_ERROR "report_render: EXPECT must be not_blank or blank, not '${EXPECT}'")
endif()
if(NOT WINDOW)
  set(WINDOW 1280,2400)
endif()
get_filename_component(_root "${CMAKE_CURRENT_LIST_DIR}/.." ABSOLUTE)
if(NOT CHECKER)
  set(CHECKER ${_root}/tools/png-not-blank.js)
endif()

if(NOT CHROMIUM)
  find_program(CHROMIUM NAMES chromium chromium-browser google-chrome google-chrome-stable)
endif()
if(NOT CHROMIUM)
  message(FATAL_ERROR "report_render: Chromium not found on PATH (looked for chromium, chromium-browser, "
                      "google-chrome). Install it: apt-get install -y chromium (scripts/install-deps.sh does). "
                      "This check is required, it does not skip.")
endif()
if(NOT NODE)
  find_program(NODE NAMES node nodejs)
endif()
if(NOT NODE)
  message(FATAL_ERROR "report_render: node not found on PATH; it runs ${CHECKER}. Run scripts/install-deps.sh.")
endif()

get_filename_component(_html "${HTML}" ABSOLUTE)
get_filename_component(_png "${PNG}" ABSOLUTE)
if(NOT EXISTS "${_html}")
  message(FATAL_ERROR "report_render: ${_html} does not exist")
endif()
get_filename_component(_png_dir "${_png}" DIRECTORY)
file(MAKE_DIRECTORY "${_png_dir}")
# A stale screenshot must not pass for a new one.
file(REMOVE "${_png}")
# Own profile per run: a shared or leftover profile can make Chromium refuse to start.
set(_profile "${_png}.chromium-profile")
file(REMOVE_RECURSE "${_profile}")

string(REPLACE "%" "%25" _url_path "${_html}")
string(REPLACE " " "%20" _url_path "${_url_path}")
string(REPLACE "#" "%23" _url_path "${_url_path}")
string(REPLACE "?" "%3F" _url_path "${_url_path}")
execute_process(
  COMMAND "${CHROMIUM}" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars
          --disable-background-networking --disable-component-update --disable-sync --no-first-run
          --user-data-dir=${_profile} --screenshot=${_png} --window-size=${WINDOW} "file://${_url_path}"
  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err TIMEOUT 120)
file(REMOVE_RECURSE "${_profile}")
if(NOT _rc EQUAL 0 OR NOT EXISTS "${_png}")
  message(FATAL_ERROR "report_render: ${CHROMIUM} failed (exit '${_rc}') or wrote no ${_png}\nstdout:\n${_out}\nstderr:\n${_err}")
endif()

set(_checker_args "${_png}")
if(EXPECT STREQUAL "not_blank" AND REQUIRE_COLOURS)
  list(APPEND _checker_args "--require-colours=${REQUIRE_COLOURS}")
endif()
execute_process(COMMAND "${NODE}" "${CHECKER}" ${_checker_args}
  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
message(STATUS "${_out}${_err}")
# The checker exits 0 for "not blank" (and every required colour found), 1 for "blank"
# or a missing colour, 2 when it cannot read the PNG; 2 is never a pass.
if(EXPECT STREQUAL "not_blank" AND NOT _rc EQUAL 0)
  message(FATAL_ERROR "report_render: ${_png} is not an acceptable render (checker exit ${_rc})")
endif()
if(EXPECT STREQUAL "blank" AND (NOT _rc EQUAL 1 OR NOT _out MATCHES "verdict: blank"))
  message(FATAL_ERROR "report_render: ${_png} should be judged blank (checker exit ${_rc})")
endif()
message(STATUS "report_render: ${_png} judged ${EXPECT} as expected")
