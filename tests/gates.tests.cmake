# Tier-1 lifecycle gates (spec/gates.md GT-1..GT-10).
set(_clawvm_gate_vectors ${PROJECT_SOURCE_DIR}/spec/vectors/gates)

clawvm_catch_test(gates_test eval/gates_test.cpp)
target_link_libraries(gates_test PRIVATE clawvm::eval)
target_compile_definitions(gates_test PRIVATE CLAWVM_GATE_VECTORS_DIR="${_clawvm_gate_vectors}"
                                              CLAWVM_GATES_TEST_WORK_DIR="${CMAKE_CURRENT_BINARY_DIR}/gates/test_work")

# The CLI: all six gates pass on the committed vectors (exit 0) and the report is written.
add_test(NAME cli.gates
  COMMAND clawvm_cli gates --vectors ${_clawvm_gate_vectors} --out ${CMAKE_CURRENT_BINARY_DIR}/gates/out
          --trace-dir ${CMAKE_CURRENT_BINARY_DIR}/gates/traces)
set_tests_properties(cli.gates PROPERTIES PASS_REGULAR_EXPRESSION "tier-1: PASS")

# Bad input exits 2: a vectors directory that does not exist, and a corrupted vector (a
# floor token count written as a string; line 4 is the first line it changes), made here
# from the committed one at configure time.
add_test(NAME cli.gates_missing_vectors
  COMMAND ${CMAKE_COMMAND} -DCMD=$<TARGET_FILE:clawvm_cli>\;gates\;--vectors\;${CMAKE_CURRENT_BINARY_DIR}/gates/nonexistent
          -DEXPECT_CODE=2 -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
set(_clawvm_corrupt_vectors ${CMAKE_CURRENT_BINARY_DIR}/gates/corrupt_vectors)
file(GLOB _clawvm_gate_vector_files ${_clawvm_gate_vectors}/*.workload.jsonl)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_clawvm_gate_vector_files})
file(COPY ${_clawvm_gate_vector_files} DESTINATION ${_clawvm_corrupt_vectors})
file(READ ${_clawvm_gate_vectors}/reset_flush_miss.workload.jsonl _clawvm_vector_text)
string(REPLACE [["structured":{"tokens":15,]] [["structured":{"tokens":"15",]] _clawvm_vector_text "${_clawvm_vector_text}")
file(WRITE ${_clawvm_corrupt_vectors}/reset_flush_miss.workload.jsonl "${_clawvm_vector_text}")
# The message must name the file, line 4 and the field; a wrong exit code fails the test
# even though expect_exit.cmake's failure message repeats stderr.
add_test(NAME cli.gates_corrupt_vector
  COMMAND ${CMAKE_COMMAND} -DCMD=$<TARGET_FILE:clawvm_cli>\;gates\;--vectors\;${_clawvm_corrupt_vectors}\;--out\;${CMAKE_CURRENT_BINARY_DIR}/gates/corrupt_out
          -DEXPECT_CODE=2 -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
set_tests_properties(cli.gates_corrupt_vector PROPERTIES
  PASS_REGULAR_EXPRESSION "reset_flush_miss\\.workload\\.jsonl:4: field 'page\\.representations\\.structured\\.tokens'"
  FAIL_REGULAR_EXPRESSION "expected exit")
