# A workload line with an unknown field must be rejected by spec/workload.schema.json with
# file:line (the schema is not vacuous).
file(MAKE_DIRECTORY ${WORK})
file(READ ${ROOT}/spec/vectors/gates/reset_flush_miss.workload.jsonl _text)
string(REPLACE "{\"event\":\"turn_end\"" "{\"event\":\"turn_end\",\"surprise\":1" _text "${_text}")
file(WRITE ${WORK}/corrupt.workload.jsonl "${_text}")
execute_process(COMMAND ${NODE} ${ROOT}/tools/validate-trace.js ${ROOT}/spec/workload.schema.json ${WORK}/corrupt.workload.jsonl
                RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT _rc EQUAL 1 OR NOT _out MATCHES "corrupt.workload.jsonl:[0-9]+:.*surprise")
  message(FATAL_ERROR "the corrupted workload was not rejected with file:line (exit ${_rc}):\n${_out}${_err}")
endif()
