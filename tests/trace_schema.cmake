# Validates the demo's decision trace against spec/decision-trace.schema.json with ajv.
# CORRUPT=ON corrupts one line first and requires the validator to reject the file.
if(NOT NODE OR NOT EXISTS ${ROOT}/tools/node_modules/ajv)
  message(FATAL_ERROR "node or tools/node_modules missing: run scripts/install-deps.sh (npm ci in tools/)")
endif()
file(MAKE_DIRECTORY ${WORK})
set(_traces "")
foreach(_policy clawvm retrieval compaction_hybrid oracle)
  execute_process(COMMAND ${CLI} demo --no-compare --policy ${_policy} --trace ${WORK}/${_policy}.jsonl
                  RESULT_VARIABLE _rc OUTPUT_QUIET)
  list(APPEND _traces ${WORK}/${_policy}.jsonl)
endforeach()
if(CORRUPT)
  # First the clean traces must pass, so a failure below can only come from the corruption.
  execute_process(COMMAND ${NODE} ${ROOT}/tools/validate-trace.js ${ROOT}/spec/decision-trace.schema.json ${_traces}
                  RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "clean traces do not validate (exit ${_rc}):\n${_out}${_err}")
  endif()
  file(READ ${WORK}/clawvm.jsonl _text)
  string(REPLACE "\"event\":\"install\"" "\"event\":\"install\",\"surprise\":1" _text "${_text}")
  file(WRITE ${WORK}/clawvm.jsonl "${_text}")
endif()
execute_process(COMMAND ${NODE} ${ROOT}/tools/validate-trace.js ${ROOT}/spec/decision-trace.schema.json ${_traces}
                RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(CORRUPT)
  if(NOT _rc EQUAL 1 OR NOT "${_out}${_err}" MATCHES "clawvm.jsonl:[0-9]+")
    message(FATAL_ERROR "corrupted trace was not rejected with file:line (exit ${_rc}):\n${_out}${_err}")
  endif()
  message(STATUS "corrupted trace rejected:\n${_out}${_err}")
elseif(NOT _rc EQUAL 0)
  message(FATAL_ERROR "trace does not validate (exit ${_rc}):\n${_out}${_err}")
endif()
