# Conformance vectors (spec/vectors/): expected replay results and generated workloads.
file(GLOB _expected_files ${PROJECT_SOURCE_DIR}/spec/vectors/replay/*.expected.jsonl)
foreach(_expected IN LISTS _expected_files)
  get_filename_component(_name ${_expected} NAME)
  string(REGEX REPLACE "\\.b([0-9]+)\\.expected\\.jsonl$" "" _workload_name ${_name})
  string(REGEX REPLACE "^.*\\.b([0-9]+)\\.expected\\.jsonl$" "\\1" _budget ${_name})
  set(_workload ${PROJECT_SOURCE_DIR}/spec/vectors/gates/${_workload_name}.workload.jsonl)
  if(NOT EXISTS ${_workload})
    set(_workload ${PROJECT_SOURCE_DIR}/spec/vectors/workloads/${_workload_name}.workload.jsonl)
  endif()
  add_test(NAME vectors.replay.${_workload_name}.b${_budget}
    COMMAND ${CMAKE_COMMAND} -DKIND=replay -DCLI=$<TARGET_FILE:clawvm_cli> -DWORKLOAD=${_workload}
            -DBUDGET=${_budget} -DEXPECTED=${_expected} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/vectors_${_name}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/vectors_check.cmake)
  set_tests_properties(vectors.replay.${_workload_name}.b${_budget} PROPERTIES LABELS vectors)
endforeach()
file(GLOB _generated ${PROJECT_SOURCE_DIR}/spec/vectors/workloads/*-s7-t40.workload.jsonl)
foreach(_workload IN LISTS _generated)
  get_filename_component(_name ${_workload} NAME)
  string(REGEX REPLACE "-s7-t40\\.workload\\.jsonl$" "" _family ${_name})
  add_test(NAME vectors.generate.${_family}
    COMMAND ${CMAKE_COMMAND} -DKIND=generate -DCLI=$<TARGET_FILE:clawvm_cli> -DFAMILY=${_family}
            -DWORKLOAD=${_workload} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/vectors_gen_${_family}
            -P ${CMAKE_CURRENT_SOURCE_DIR}/vectors_check.cmake)
  set_tests_properties(vectors.generate.${_family} PROPERTIES LABELS vectors)
endforeach()
# The workload vectors follow the published schema (ajv), and a corrupted one does not.
file(GLOB _all_workloads ${PROJECT_SOURCE_DIR}/spec/vectors/gates/*.workload.jsonl ${PROJECT_SOURCE_DIR}/spec/vectors/workloads/*.workload.jsonl)
add_test(NAME vectors.workload_schema
  COMMAND ${CLAWVM_NODE_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/validate-trace.js ${PROJECT_SOURCE_DIR}/spec/workload.schema.json ${_all_workloads})
add_test(NAME vectors.workload_schema_rejects_corrupt
  COMMAND ${CMAKE_COMMAND} -DNODE=${CLAWVM_NODE_EXECUTABLE} -DROOT=${PROJECT_SOURCE_DIR} -DWORK=${CMAKE_CURRENT_BINARY_DIR}/workload_schema_corrupt
          -P ${CMAKE_CURRENT_SOURCE_DIR}/workload_schema_corrupt.cmake)
