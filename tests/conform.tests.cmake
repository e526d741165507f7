# The conformance kit (spec/conformance.md): its own tests, the committed cases kept
# current, the reference and the independent Python engine passing every tier, the
# planted bugs of the Python engine each caught at a known first divergence, SUT errors
# reported as errors, and differential fuzzing with shrinking.
set(_conform_root ${PROJECT_SOURCE_DIR}/spec/conformance)
set(_conform_work ${CMAKE_CURRENT_BINARY_DIR}/conform)
file(MAKE_DIRECTORY ${_conform_work})  # the reports of conform.reference are written here
set(_clawvm_sut "$<TARGET_FILE:clawvm_cli> serve --store :memory: --policy {policy} --budget {budget}")
set(_python_sut "${CLAWVM_PYTHON_EXECUTABLE} ${_conform_root}/python-engine/clawvm-py serve --policy {policy} --budget {budget}")

clawvm_catch_test(conform_test conform/conform_test.cpp)
target_link_libraries(conform_test PRIVATE clawvm::conform fmt::fmt)
target_compile_definitions(conform_test PRIVATE CLAWVM_CONFORMANCE_DIR="${_conform_root}")

# CF-6: the committed cases and expected answers are what this build generates.
add_test(NAME conform.cases_current
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:clawvm_cli> -DROOT=${_conform_root} -DVECTORS=${PROJECT_SOURCE_DIR}/spec/vectors
          -DWORK=${_conform_work}/generated -P ${CMAKE_CURRENT_SOURCE_DIR}/conform/cases_current.cmake)
set_tests_properties(conform.cases_current PROPERTIES LABELS conform TIMEOUT 600)

# CF-6: every case line is valid against the case format's schema, and a corrupt one is not.
file(GLOB _conform_case_files ${_conform_root}/cases/*.cases.jsonl)
add_test(NAME conform.case_schema
  COMMAND ${CLAWVM_NODE_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/validate-trace.js ${_conform_root}/case.schema.json ${_conform_case_files})
add_test(NAME conform.case_schema_rejects_corrupt
  COMMAND ${CLAWVM_NODE_EXECUTABLE} ${PROJECT_SOURCE_DIR}/tools/validate-trace.js ${_conform_root}/case.schema.json
          ${CMAKE_CURRENT_SOURCE_DIR}/conform/corrupt.cases.jsonl)
set_tests_properties(conform.case_schema conform.case_schema_rejects_corrupt PROPERTIES LABELS conform)
set_tests_properties(conform.case_schema_rejects_corrupt PROPERTIES WILL_FAIL TRUE)

# The reference passes every tier against itself (CF-11), with JUnit and JSON reports.
add_test(NAME conform.reference
  COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:clawvm_cli>;conform;--sut;${_clawvm_sut};--tier;may;--jobs;2;--junit;${_conform_work}/reference.junit.xml;--json;${_conform_work}/reference.json"
          -DEXPECT_CODE=0 "-DEXPECT_OUTPUT= 0 fail, 0 error, 0 skip" -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
set_tests_properties(conform.reference PROPERTIES LABELS conform TIMEOUT 900 FIXTURES_SETUP clawvm_conform_reference)
add_test(NAME conform.reference_reports
  COMMAND ${CMAKE_COMMAND} -DJUNIT=${_conform_work}/reference.junit.xml -DJSON=${_conform_work}/reference.json
          -P ${CMAKE_CURRENT_SOURCE_DIR}/conform/check_reports.cmake)
set_tests_properties(conform.reference_reports PROPERTIES LABELS conform FIXTURES_REQUIRED clawvm_conform_reference)

# CF-5: a SUT that crashes, hangs or answers garbage is an error, never a pass or a fail.
set(_first "$<TARGET_FILE:clawvm_cli> serve --store :memory: --policy {policy} --budget {budget}")
foreach(_kind crash timeout malformed)
  # sed -u passes lines through unbuffered: the SUT sees the handshake and 3 requests.
  if(_kind STREQUAL crash)
    set(_sut "sed -u 4q | ${_first}")
  elseif(_kind STREQUAL timeout)
    set(_sut "(sed -u 4q && sleep 30) | ${_first}")
  else()
    set(_sut "${_first} | sed -u '4s/\"v\":1/\"v\":7/'")
  endif()
  add_test(NAME conform.sut_${_kind}
    COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:clawvm_cli>;conform;--sut;${_sut};--tier;must;--filter;must.gate.reset_flush_miss.clawvm.b180;--request-timeout;1"
            -DEXPECT_CODE=1 "-DEXPECT_OUTPUT=ERROR must.gate.reset_flush_miss.clawvm.b180" -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
  # PASS_REGULAR_EXPRESSION replaces the exit-code check, so a failure of the script (its
  # own messages) is matched as a failure explicitly.
  set_tests_properties(conform.sut_${_kind} PROPERTIES LABELS conform PASS_REGULAR_EXPRESSION "${_kind}:"
                       FAIL_REGULAR_EXPRESSION "expected exit|output does not contain")
endforeach()

if(CLAWVM_PYTHON_EXECUTABLE)
  # CF-15: the second implementation passes every tier.
  add_test(NAME conform.python
    COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:clawvm_cli>;conform;--sut;${_python_sut};--tier;may;--jobs;2"
            -DEXPECT_CODE=0 "-DEXPECT_OUTPUT= 0 fail, 0 error, 0 skip" -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
  set_tests_properties(conform.python PROPERTIES LABELS "conform;python" TIMEOUT 1800)
  # CF-15: each planted bug fails the kit at a known case and field (the first divergence).
  function(clawvm_conform_bug bug tier case_id divergence)
    add_test(NAME conform.python_bug.${bug}
      COMMAND ${CMAKE_COMMAND} -E env CLAWVM_PY_BUG=${bug} ${CMAKE_COMMAND}
              "-DCMD=$<TARGET_FILE:clawvm_cli>;conform;--sut;${_python_sut};--tier;${tier};--filter;${case_id}"
              -DEXPECT_CODE=1 "-DEXPECT_OUTPUT=FAIL  ${case_id}" -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
    set_tests_properties(conform.python_bug.${bug} PROPERTIES LABELS "conform;python;mutant" PASS_REGULAR_EXPRESSION "${divergence}"
                         FAIL_REGULAR_EXPRESSION "expected exit|output does not contain")
  endfunction()
  clawvm_conform_bug(no_writeback_on_reset must must.family.preference_drift.clawvm.b120
    "event reset\\): flush_misses: expected 0, got 3 \\[exact; FT-5\\]")
  clawvm_conform_bug(evict_below_floor must must.family.preference_drift.clawvm.b120
    "resident\\[page=s1:constraint:1\\]: expected at or above its floor structured, got none \\[PinnedResidentInv; SEL-9.4\\]")
  clawvm_conform_bug(destructive_set_committed must must.protocol.journal_reasons.clawvm.b180
    "journal\\[seq=[0-9]+\\].phase: expected \"rejected\", got \"committed\" \\[exact; JR-6\\]")
  clawvm_conform_bug(wrong_tie_break should should.family.long_plan.lru.b180
    "resident\\[page=bootstrap:system\\].level: expected \"full\", got \"structured\" \\[agreement; SEL-7\\]")
  clawvm_conform_bug(silent_empty_recall must must.protocol.recall.clawvm.b180
    "event recall\\): reason: expected \"RECALL_NO_MATCH\", got absent \\[exact; FT-6\\]")
  clawvm_conform_bug(alert_as_fault must must.family.long_plan.clawvm.b120
    "event tool_call\\): faults.duplicate_tool: expected 0, got 1 \\[FaultCountInv; FT-3\\]")
  clawvm_conform_bug(budget_overrun_by_one must must.family.long_plan.clawvm.b120
    "tokens_used: expected 121 \\(the resident tokens\\), at most 120, got 121 \\[BudgetInv; SEL-9.1\\]")
  clawvm_conform_bug(no_restore_after_compaction must must.family.long_plan.clawvm.b120
    "event compaction\\): faults_total: expected 0, got 2 \\[ZeroFaultsInv; EN-9\\]")
  clawvm_conform_bug(evict_on_update should should.protocol.update_keeps_residency.clawvm.b50
    "event demand\\): faults.refetch: expected 0, got 1 \\[agreement; FT-2\\]")
  clawvm_conform_bug(recency_no_floor should should.protocol.recency_floor.clawvm.b30
    "turn 73, event turn_end, page a\\): resident\\[page=a\\].level: expected \"structured\", got \"pointer\" \\[agreement; SEL-7\\]")

  # CF-12: differential fuzzing finds the planted tie-break bug and shrinks it to a case
  # that still fails the buggy engine and passes the correct one; the reference never diverges.
  add_test(NAME conform.random_reference
    COMMAND $<TARGET_FILE:clawvm_cli> conform --sut ${_clawvm_sut} --random 30 --seed 7)
  set_tests_properties(conform.random_reference PROPERTIES LABELS conform PASS_REGULAR_EXPRESSION "30 workloads \\(seed 7\\), no divergence")
  add_test(NAME conform.random_shrinks
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:clawvm_cli> "-DSUT=${_python_sut}" -DWORK=${_conform_work}/random
            -P ${CMAKE_CURRENT_SOURCE_DIR}/conform/random_shrinks.cmake)
  set_tests_properties(conform.random_shrinks PROPERTIES LABELS "conform;python" TIMEOUT 900)
endif()

if(CLAWVM_PYTHON_EXECUTABLE)
  # CF-14: foreign decision traces, validated against the model by check-trace.
  foreach(_stream gate.reset_flush_miss gate.threshold_jump_race gate.unsafe_persistence_rejection family.long_plan
                  stress.cascade_reset)
    add_test(NAME conform.python_trace.${_stream}
      COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:clawvm_cli> -DPYTHON=${CLAWVM_PYTHON_EXECUTABLE}
              -DENGINE=${_conform_root}/python-engine/clawvm-py -DSTREAM=${_conform_root}/streams/${_stream}.requests.jsonl
              -DWORK=${_conform_work}/trace_${_stream} -P ${CMAKE_CURRENT_SOURCE_DIR}/conform/python_trace.cmake)
    set_tests_properties(conform.python_trace.${_stream} PROPERTIES LABELS "conform;python")
  endforeach()
  add_test(NAME conform.python_trace_bug
    COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:clawvm_cli> -DPYTHON=${CLAWVM_PYTHON_EXECUTABLE} -DBUG=evict_below_floor
            -DENGINE=${_conform_root}/python-engine/clawvm-py -DSTREAM=${_conform_root}/streams/family.preference_drift.requests.jsonl
            -DWORK=${_conform_work}/trace_bug -P ${CMAKE_CURRENT_SOURCE_DIR}/conform/python_trace.cmake)
  set_tests_properties(conform.python_trace_bug PROPERTIES LABELS "conform;python;mutant")
endif()
