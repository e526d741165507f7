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
  "fx-openclaw-1.workload.jsonl turns=6 pages=13 .* tool_calls=5 unanswered=1 duplicates=1 refreshes=0 demands=2 .*compactions=1 \\(native=1 synthesized=0\\) kept=1 ")
set_tests_properties(cli.import_claude-code PROPERTIES PASS_REGULAR_EXPRESSION
  "cc-fixture-1.workload.jsonl turns=5 .*plan=1 .* tool_calls=4 .* plan_updates=2 compactions=1")
set_tests_properties(cli.import_codex PROPERTIES PASS_REGULAR_EXPRESSION
  "cx-fixture-1.workload.jsonl turns=4 .* tool_calls=4 unanswered=0 duplicates=0 refreshes=1 .* plan_updates=1 compactions=1")

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

# Format versions (IM-15), detected by --from auto (the default), strict and lenient: the
# exact summary line of each (IM-16), the same in both modes.
set(_v ${_clawvm_import_fixtures}/versions)
set(_summary_cc_v21 "cc-v21.workload.jsonl turns=5 pages=12 \\(bootstrap=4 constraint=1 plan=0 evidence=3 conversation=4\\) tool_calls=5 unanswered=0 duplicates=1 refreshes=1 demands=0 plan_updates=0 compactions=0 \\(native=0 synthesized=0\\) kept=0 skipped=0 ignored=15 \\(agent-name=1 ai-title=1 attachment/hook_success=1 attachment/todo_reminder=1 custom-title=1 file-history-snapshot=1 last-prompt=2 permission-mode=1 pr-link=1 progress=1 queue-operation=1 sidechain=2 system/turn_duration=1\\)\n")
set(_summary_oc_v1 "oc-v1.workload.jsonl turns=5 pages=10 \\(bootstrap=0 constraint=1 plan=0 evidence=1 conversation=8\\) tool_calls=2 unanswered=0 duplicates=0 refreshes=1 demands=3 plan_updates=0 compactions=1 \\(native=1 synthesized=0\\) kept=3 skipped=0 ignored=0\n")
set(_summary_oc_v2 "oc-v2.workload.jsonl turns=4 pages=6 \\(bootstrap=0 constraint=0 plan=0 evidence=1 conversation=5\\) tool_calls=2 unanswered=0 duplicates=1 refreshes=0 demands=0 plan_updates=0 compactions=0 \\(native=0 synthesized=0\\) kept=0 skipped=0 ignored=0\n")
set(_summary_oc_v3_kept "oc-v3-kept.workload.jsonl turns=5 pages=9 \\(bootstrap=0 constraint=0 plan=0 evidence=2 conversation=7\\) tool_calls=2 unanswered=0 duplicates=0 refreshes=0 demands=3 plan_updates=0 compactions=1 \\(native=1 synthesized=0\\) kept=3 skipped=0 ignored=0\n")
set(_summary_cx_fork "cx-fork-1.workload.jsonl turns=6 pages=14 \\(bootstrap=2 constraint=1 plan=0 evidence=4 conversation=7\\) tool_calls=5 unanswered=0 duplicates=0 refreshes=1 demands=0 plan_updates=0 compactions=0 \\(native=0 synthesized=0\\) kept=0 skipped=0 ignored=7 \\(event_msg/token_count=1 event_msg/user_message=1 record_type:state=1 response_item/user_shell_command-copy=1 session_meta/parent=1 turn_context=1 world_state=1\\)\n")
set(_summary_cx_legacy "cx-legacy-1.workload.jsonl turns=2 pages=5 \\(bootstrap=1 constraint=0 plan=0 evidence=1 conversation=3\\) tool_calls=1 unanswered=0 duplicates=0 refreshes=0 demands=0 plan_updates=0 compactions=0 \\(native=0 synthesized=0\\) kept=0 skipped=0 ignored=3 \\(record_type:state=3\\)\n")
foreach(_case cc_v21:cc-v21 oc_v1:oc-v1 oc_v2:oc-v2 oc_v3_kept:oc-v3-kept
              cx_fork:rollout-2026-03-01T00-00-00-cx-fork-1 cx_legacy:rollout-2025-08-01T00-00-00-cx-legacy-1)
  string(REPLACE ":" ";" _parts ${_case})
  list(GET _parts 0 _id)
  list(GET _parts 1 _file)
  foreach(_mode strict lenient)
    clawvm_import_exit_test(cli.import_version_${_id}_${_mode} 0 ".*${_summary_${_id}}"
      --${_mode};${_v}/${_file}.jsonl;--out;${_clawvm_import_work}/versions_${_mode})
  endforeach()
endforeach()

# --from auto writes what the explicit format writes (IM-1, IM-16).
add_test(NAME cli.import_auto
  COMMAND clawvm_cli import ${_clawvm_import_fixtures}/openclaw/fx-openclaw-1.jsonl --out ${_clawvm_import_work}/cli_auto)
set_tests_properties(cli.import_auto PROPERTIES FIXTURES_SETUP clawvm_import_cli_auto)
add_test(NAME cli.import_auto_same_bytes
  COMMAND ${CMAKE_COMMAND} -E compare_files ${_clawvm_import_work}/cli_a/fx-openclaw-1.workload.jsonl
          ${_clawvm_import_work}/cli_auto/fx-openclaw-1.workload.jsonl)
set_tests_properties(cli.import_auto_same_bytes PROPERTIES FIXTURES_REQUIRED "clawvm_import_cli_a;clawvm_import_cli_auto")
clawvm_import_exit_test(cli.import_auto_not_a_transcript 2
  "[^\n]*not_transcript.jsonl: --from auto: cannot tell the transcript format: the file looks like not a transcript \\(JSON, but no entry of a known format in its first 3 lines\\)"
  ${_clawvm_import_fixtures}/bad/not_transcript.jsonl;--out;${_clawvm_import_work}/bad)

# Next to nothing imported from a non-empty transcript: exit 3, and what the file looks
# like (IM-16, CLI-4).
clawvm_import_exit_test(cli.import_nothing_metadata_only 3
  "[^\n]*cc-metadata-only.jsonl: nothing imported: no model call imported from 2 lines; the file looks like a Claude Code transcript\n"
  ${_v}/cc-metadata-only.jsonl;--out;${_clawvm_import_work}/nothing)
clawvm_import_exit_test(cli.import_nothing_wrong_format 3
  ".*cc-v21.jsonl: nothing imported: no model call imported from 31 lines; the file looks like a Claude Code transcript but --from codex\n"
  --from;codex;--lenient;${_v}/cc-v21.jsonl;--out;${_clawvm_import_work}/nothing)
clawvm_import_exit_test(cli.import_nothing_older_codex 3
  ".*cx-legacy-1.jsonl: nothing imported: no model call imported from 10 lines; the file looks like an older Codex rollout but --from claude-code\n"
  --from;claude-code;--lenient;${_v}/rollout-2025-08-01T00-00-00-cx-legacy-1.jsonl;--out;${_clawvm_import_work}/nothing)
clawvm_import_exit_test(cli.import_nothing_not_a_transcript 3
  ".*not_transcript.jsonl: nothing imported: no model call imported from 3 lines; the file looks like not a transcript \\(JSON, but no entry of a known format in its first 3 lines\\) but --from openclaw\n"
  --from;openclaw;--lenient;${_clawvm_import_fixtures}/bad/not_transcript.jsonl;--out;${_clawvm_import_work}/nothing)
clawvm_import_exit_test(cli.import_nothing_among_good 3 ".*cc-metadata-only.jsonl: nothing imported.*fx-openclaw-1.workload.jsonl turns=6"
  --lenient;${_v}/cc-metadata-only.jsonl;${_clawvm_import_fixtures}/openclaw/fx-openclaw-1.jsonl;--out;${_clawvm_import_work}/nothing_among)
clawvm_import_exit_test(cli.import_bad_input_over_nothing 2 "[^\n]*nosuch.jsonl: cannot open\n.*nothing imported"
  --lenient;${_clawvm_import_fixtures}/bad/nosuch.jsonl;${_v}/cc-metadata-only.jsonl;--out;${_clawvm_import_work}/nothing_bad)
clawvm_import_exit_test(cli.import_strict_wrong_format 2
  "[^\n]*cc-v21.jsonl:1: field 'payload': missing or not an object\n[^\n]*cc-v21.jsonl: the file looks like a Claude Code transcript but --from codex\n"
  --from;codex;${_v}/cc-v21.jsonl;--out;${_clawvm_import_work}/bad)

# Objects back to back on one line (IM-4) and a compaction keeping a missing entry (IM-12).
clawvm_import_exit_test(cli.import_strict_concatenated 2
  "[^\n]*concatenated.jsonl:3: 2 JSON objects on one line \\(the second starts at byte 167\\): a missing newline\n"
  ${_clawvm_import_fixtures}/bad/concatenated.jsonl;--out;${_clawvm_import_work}/bad)
clawvm_import_exit_test(cli.import_lenient_concatenated 0
  "[^\n]*concatenated.jsonl: lenient: 1 problem skipped: concatenated_json=1\n.*concatenated.workload.jsonl turns=2 pages=4 "
  --lenient;${_clawvm_import_fixtures}/bad/concatenated.jsonl;--out;${_clawvm_import_work}/lenient)
clawvm_import_exit_test(cli.import_strict_dangling_kept 2
  "[^\n]*dangling_kept.jsonl:4: field 'firstKeptEntryId': names no earlier entry of this session\n"
  ${_clawvm_import_fixtures}/bad/dangling_kept.jsonl;--out;${_clawvm_import_work}/bad)

# The real-session report gives refreshes and duplicates per session (RL-10): the pi
# version-1 fixture has one refresh, the version-2 one a duplicate.
add_test(NAME cli.import_real_report_counts
  COMMAND clawvm_cli real --from openclaw ${_v}/oc-v1.jsonl ${_v}/oc-v2.jsonl --out ${_clawvm_import_work}/real_counts
          --cuts full --budgets 300 --windows none --quiet)
set_tests_properties(cli.import_real_report_counts PROPERTIES FIXTURES_SETUP clawvm_import_real_counts
  PASS_REGULAR_EXPRESSION "real: PASS")
# The sessions table: session, turns, tool calls, duplicates, refreshes, pages, demands, compactions.
foreach(_case "oc_v1:| oc-v1 | 5 | 2 | 0 | 1 | 10 | 3 | 1 |" "oc_v2:| oc-v2 | 4 | 2 | 1 | 0 | 6 | 0 | 0 |")
  string(FIND "${_case}" ":" _colon)
  string(SUBSTRING "${_case}" 0 ${_colon} _id)
  math(EXPR _from "${_colon} + 1")
  string(SUBSTRING "${_case}" ${_from} -1 _row)
  add_test(NAME cli.import_real_report_counts_${_id}
    COMMAND ${CMAKE_COMMAND} "-DCMD=${CMAKE_COMMAND};-E;cat;${_clawvm_import_work}/real_counts/real.summary.md" -DEXPECT_CODE=0
            "-DEXPECT_OUTPUT=${_row}" -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
  set_tests_properties(cli.import_real_report_counts_${_id} PROPERTIES FIXTURES_REQUIRED clawvm_import_real_counts)
endforeach()
add_test(NAME cli.import_real_report_counts_json
  COMMAND ${CMAKE_COMMAND} "-DCMD=${CMAKE_COMMAND};-E;cat;${_clawvm_import_work}/real_counts/real.summary.json" -DEXPECT_CODE=0
          "-DEXPECT_OUTPUT=\"refreshes\": 1," -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
set_tests_properties(cli.import_real_report_counts_json PROPERTIES FIXTURES_REQUIRED clawvm_import_real_counts)

# The sidecar decides like offline replay on every format version too, refresh updates and
# the demands of what a compaction keeps included (SC-4, via tests/sidecar_transcript.cmake).
foreach(_case openclaw:oc_v1:oc-v1 openclaw:oc_v2:oc-v2 openclaw:oc_v3_kept:oc-v3-kept claude-code:cc_v21:cc-v21
              codex:cx_fork:rollout-2026-03-01T00-00-00-cx-fork-1 codex:cx_legacy:rollout-2025-08-01T00-00-00-cx-legacy-1)
  string(REPLACE ":" ";" _parts ${_case})
  list(GET _parts 0 _fmt)
  list(GET _parts 1 _id)
  list(GET _parts 2 _file)
  add_test(NAME sidecar.transcript_version_${_id}
    COMMAND ${CMAKE_COMMAND} -DFORMAT=${_fmt} -DINPUTS=${_v}/${_file}.jsonl -DCLI=$<TARGET_FILE:clawvm_cli>
            -DWORK=${_clawvm_import_work}/sidecar_${_id} -DPOLICY=clawvm -DBUDGET=180
            -P ${CMAKE_CURRENT_SOURCE_DIR}/sidecar_transcript.cmake)
  set_tests_properties(sidecar.transcript_version_${_id} PROPERTIES LABELS "sidecar;import")
endforeach()
