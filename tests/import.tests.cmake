# Transcript importers (spec/import.md IM-1..IM-16).
set(_clawvm_import_fixtures ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/import)
set(_clawvm_import_work ${CMAKE_CURRENT_BINARY_DIR}/import)

clawvm_catch_test(import_test import/import_test.cpp)
target_link_libraries(import_test PRIVATE clawvm::import)
target_compile_definitions(import_test PRIVATE CLAWVM_IMPORT_FIXTURES="${_clawvm_import_fixtures}")

# Real OpenClaw transcripts (../shared, not part of the repository): every file imports
# and reads back. Skipped, not passed, when they are absent (add_shared_test).
add_executable(import_real_traces_test import/import_real_traces_test.cpp)
target_link_libraries(import_real_traces_test PRIVATE clawvm::import fmt::fmt)
clawvm_set_warnings(import_real_traces_test)
add_shared_test(NAME import.real_openclaw NEED traces/openclaw-real LABELS "import;real-data"
  COMMAND $<TARGET_FILE:import_real_traces_test> @SHARED_PATH@ ${_clawvm_import_work}/real)

# CLI: one fixture per format, with the summary line's counts.
foreach(_fmt openclaw claude-code codex)
  file(GLOB _clawvm_import_inputs ${_clawvm_import_fixtures}/${_fmt}/*.jsonl)
  add_test(NAME cli.import_${_fmt}
    COMMAND clawvm_cli import --from ${_fmt} ${_clawvm_import_inputs} --out ${_clawvm_import_work}/cli_a)
  set_tests_properties(cli.import_${_fmt} PROPERTIES FIXTURES_SETUP clawvm_import_cli_a)
endforeach()
set_tests_properties(cli.import_openclaw PROPERTIES PASS_REGULAR_EXPRESSION
  "fx-openclaw-1.workload.jsonl turns=6 pages=13 .* tool_calls=5 unanswered=1 duplicates=1 demands=2 .*compactions=1 \\(native=1 synthesized=0\\)")
set_tests_properties(cli.import_claude-code PROPERTIES PASS_REGULAR_EXPRESSION
  "cc-fixture-1.workload.jsonl turns=5 .*plan=1 .* tool_calls=4 .* plan_updates=2 compactions=1")
set_tests_properties(cli.import_codex PROPERTIES PASS_REGULAR_EXPRESSION
  "cx-fixture-1.workload.jsonl turns=4 .* tool_calls=4 unanswered=0 duplicates=1 .* plan_updates=1 compactions=1")

# Determinism (IM-1): a second import writes the same bytes.
add_test(NAME cli.import_again
  COMMAND clawvm_cli import --from openclaw ${_clawvm_import_fixtures}/openclaw/fx-openclaw-1.jsonl
          --out ${_clawvm_import_work}/cli_b --mapping ${_clawvm_import_fixtures}/mapping/example.json --window 32768)
set_tests_properties(cli.import_again PROPERTIES FIXTURES_SETUP clawvm_import_cli_b)
add_test(NAME cli.import_deterministic
  COMMAND ${CMAKE_COMMAND} -E compare_files ${_clawvm_import_work}/cli_a/fx-openclaw-1.workload.jsonl
          ${_clawvm_import_work}/cli_b/fx-openclaw-1.workload.jsonl)
set_tests_properties(cli.import_deterministic PROPERTIES FIXTURES_REQUIRED "clawvm_import_cli_a;clawvm_import_cli_b")

# The imported workload replays (and ClawVM has no faults on the fixture).
add_test(NAME cli.import_replays
  COMMAND clawvm_cli replay ${_clawvm_import_work}/cli_a/cc-fixture-1.workload.jsonl --policy clawvm --budget 120)
set_tests_properties(cli.import_replays PROPERTIES FIXTURES_REQUIRED clawvm_import_cli_a
  PASS_REGULAR_EXPRESSION "clawvm +120 +5 +0 ")

# Exit codes (IM-16): strict bad input 2 with file:line, lenient 0 with counts, usage 2.
function(clawvm_import_exit_test name code regex)
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:clawvm_cli>;import;${ARGN}" -DEXPECT_CODE=${code}
           -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
  set_tests_properties(${name} PROPERTIES PASS_REGULAR_EXPRESSION "exit ${code} as expected: ${regex}")
endfunction()
clawvm_import_exit_test(cli.import_strict_invalid_json 2 "[^\n]*invalid_json.jsonl:3: invalid JSON at byte"
  --from;openclaw;${_clawvm_import_fixtures}/bad/invalid_json.jsonl;--out;${_clawvm_import_work}/bad)
clawvm_import_exit_test(cli.import_strict_orphan 2 "[^\n]*orphan_result.jsonl:4: field 'message.toolCallId': tool result"
  --from;openclaw;--strict;${_clawvm_import_fixtures}/bad/orphan_result.jsonl;--out;${_clawvm_import_work}/bad)
clawvm_import_exit_test(cli.import_strict_long_line 2 "[^\n]*long_line.jsonl:2: line of [0-9]+ bytes exceeds the limit of 1024"
  --from;openclaw;--max-line-bytes;1024;${_clawvm_import_fixtures}/bad/long_line.jsonl;--out;${_clawvm_import_work}/bad)
clawvm_import_exit_test(cli.import_lenient_mixed 0 ".*lenient: 4 problems skipped: invalid_utf8=1 invalid_json=1 unknown_entry_type=1 orphan_tool_result=1"
  --from;openclaw;--lenient;${_clawvm_import_fixtures}/bad/mixed.jsonl;--out;${_clawvm_import_work}/lenient)
clawvm_import_exit_test(cli.import_unknown_format 2 ".*unknown format 'aider'"
  --from;aider;${_clawvm_import_fixtures}/openclaw/fx-openclaw-1.jsonl;--out;${_clawvm_import_work}/bad)
clawvm_import_exit_test(cli.import_bad_mapping 2 ".*field 'pages.evidence.pin'"
  --from;openclaw;--mapping;${_clawvm_import_fixtures}/mapping/bad.json;${_clawvm_import_fixtures}/openclaw/fx-openclaw-1.jsonl;--out;${_clawvm_import_work}/bad)
clawvm_import_exit_test(cli.import_missing_file 2 ".*nosuch.jsonl: cannot open"
  --from;codex;${_clawvm_import_fixtures}/codex/nosuch.jsonl;--out;${_clawvm_import_work}/bad)
