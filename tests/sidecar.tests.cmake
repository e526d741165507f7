# The live sidecar (spec/sidecar.md): in-process and through `clawvm serve` processes.
clawvm_catch_test(sidecar_test sidecar/sidecar_test.cpp)
target_link_libraries(sidecar_test PRIVATE SQLite::SQLite3)
target_compile_definitions(sidecar_test PRIVATE CLAWVM_CLI_PATH="$<TARGET_FILE:clawvm_cli>")
add_dependencies(sidecar_test clawvm_cli)

# Through real session transcripts (own fixtures always; the shared real traces when present).
foreach(_fmt openclaw claude-code codex)
  add_test(NAME sidecar.transcript_${_fmt}
    COMMAND ${CMAKE_COMMAND} -DFORMAT=${_fmt} -DINPUTS=${PROJECT_SOURCE_DIR}/tests/fixtures/import/${_fmt}
            -DCLI=$<TARGET_FILE:clawvm_cli> -DWORK=${CMAKE_CURRENT_BINARY_DIR}/sidecar_transcript_${_fmt}
            -DPOLICY=clawvm -DBUDGET=180 -P ${CMAKE_CURRENT_SOURCE_DIR}/sidecar_transcript.cmake)
  set_tests_properties(sidecar.transcript_${_fmt} PROPERTIES LABELS sidecar)
endforeach()
add_shared_test(NAME sidecar.transcript_real_openclaw NEED traces/openclaw-real LABELS "sidecar;real-data" TIMEOUT 600
  COMMAND ${CMAKE_COMMAND} -DFORMAT=openclaw -DINPUTS=@SHARED_PATH@
          -DCLI=$<TARGET_FILE:clawvm_cli> -DWORK=${CMAKE_CURRENT_BINARY_DIR}/sidecar_transcript_real
          -DPOLICY=clawvm -DBUDGET=180 -P ${CMAKE_CURRENT_SOURCE_DIR}/sidecar_transcript.cmake)

# Conformance vectors of the protocol: byte-identical responses, and every line of them
# (and every good request) valid against spec/sidecar.schema.json.
file(GLOB _sidecar_requests ${PROJECT_SOURCE_DIR}/spec/vectors/sidecar/*.requests.jsonl)
set(_sidecar_schema_files "")
foreach(_requests IN LISTS _sidecar_requests)
  get_filename_component(_name ${_requests} NAME)
  string(REGEX REPLACE "\\.requests\\.jsonl$" "" _stem ${_name})
  string(REGEX REPLACE "^.*\\.b([0-9]+)$" "\\1" _budget ${_stem})
  set(_responses ${PROJECT_SOURCE_DIR}/spec/vectors/sidecar/${_stem}.responses.jsonl)
  add_test(NAME vectors.sidecar.${_stem}
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:clawvm_cli> -DBUDGET=${_budget} -DREQUESTS=${_requests}
            -DRESPONSES=${_responses} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/sidecar_vector_${_stem}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/sidecar_vector.cmake)
  set_tests_properties(vectors.sidecar.${_stem} PROPERTIES LABELS vectors)
  list(APPEND _sidecar_schema_files ${_responses})
  if(NOT _stem MATCHES "^bad_requests")
    list(APPEND _sidecar_schema_files ${_requests})
  endif()
endforeach()
add_test(NAME vectors.sidecar_schema
  COMMAND ${CLAWVM_NODE_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/validate-trace.js ${PROJECT_SOURCE_DIR}/spec/sidecar.schema.json ${_sidecar_schema_files})
# The schema is not vacuous: the deliberately bad requests do not validate.
add_test(NAME vectors.sidecar_schema_rejects_bad_requests
  COMMAND ${CLAWVM_NODE_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/validate-trace.js ${PROJECT_SOURCE_DIR}/spec/sidecar.schema.json
          ${PROJECT_SOURCE_DIR}/spec/vectors/sidecar/bad_requests.b180.requests.jsonl)
set_tests_properties(vectors.sidecar_schema_rejects_bad_requests PROPERTIES WILL_FAIL TRUE)

# A restarted sidecar continues its trace file with a `resume` line (SC-1, DT-4).
add_test(NAME sidecar.trace_resume
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:clawvm_cli>
          -DSTREAM=${PROJECT_SOURCE_DIR}/spec/conformance/streams/gate.reset_flush_miss.requests.jsonl
          -DWORK=${CMAKE_CURRENT_BINARY_DIR}/sidecar_trace_resume -P ${CMAKE_CURRENT_SOURCE_DIR}/sidecar_trace_resume.cmake)
set_tests_properties(sidecar.trace_resume PROPERTIES LABELS sidecar)
