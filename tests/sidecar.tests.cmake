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
  set_tests_properties(sidecar.transcript_${_fmt} PROPERTIES SKIP_RETURN_CODE 77 LABELS sidecar)
endforeach()
get_filename_component(_clawvm_real_traces ${PROJECT_SOURCE_DIR}/../shared/traces/openclaw-real ABSOLUTE)
add_test(NAME sidecar.transcript_real_openclaw
  COMMAND ${CMAKE_COMMAND} -DFORMAT=openclaw -DINPUTS=${_clawvm_real_traces}
          -DCLI=$<TARGET_FILE:clawvm_cli> -DWORK=${CMAKE_CURRENT_BINARY_DIR}/sidecar_transcript_real
          -DPOLICY=clawvm -DBUDGET=180 -P ${CMAKE_CURRENT_SOURCE_DIR}/sidecar_transcript.cmake)
set_tests_properties(sidecar.transcript_real_openclaw PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600 LABELS "sidecar;real-data")
