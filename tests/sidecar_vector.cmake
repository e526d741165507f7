# Sidecar conformance vector (spec/vectors/sidecar/): `clawvm serve --store :memory:
# --budget B < REQUESTS` must print exactly RESPONSES.
execute_process(COMMAND ${CLI} serve --store :memory: --budget ${BUDGET}
                INPUT_FILE ${REQUESTS} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "clawvm serve exited ${_rc}:\n${_err}")
endif()
file(READ ${RESPONSES} _expected)
if(NOT _out STREQUAL _expected)
  file(WRITE ${WORK}.actual "${_out}")
  message(FATAL_ERROR "responses differ from ${RESPONSES} (actual in ${WORK}.actual); "
                      "if intended, run scripts/update-vectors.sh and explain it in the commit")
endif()
