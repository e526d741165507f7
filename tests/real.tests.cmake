# The real-session replay report (spec/real.md RL-1..RL-13).
set(_clawvm_real_fixtures ${CMAKE_CURRENT_SOURCE_DIR}/fixtures/import)
set(_clawvm_real_work ${CMAKE_CURRENT_BINARY_DIR}/real)

# Library tests on synthetic transcripts the tests write themselves: always run.
clawvm_catch_test(real_test eval/real_test.cpp)
target_link_libraries(real_test PRIVATE clawvm::eval)

# The real OpenClaw transcripts (../shared, as import.real_openclaw): the claim holds
# wherever capacity suffices. Skipped, not passed, when they are absent.
add_shared_test(NAME real.openclaw_real NEED traces/openclaw-real LABELS "real;real-data"
  COMMAND ${CMAKE_COMMAND} -E env CLAWVM_REAL_OPENCLAW_TRACES=@SHARED_PATH@ $<TARGET_FILE:real_test> "[.real-data]")

# CLI (RL-11): one fixture per format; the outputs are the same bytes for --jobs 1 and 3.
foreach(_fmt openclaw claude-code codex)
  add_test(NAME cli.real_${_fmt}
    COMMAND clawvm_cli real --from ${_fmt} ${_clawvm_real_fixtures}/${_fmt} --out ${_clawvm_real_work}/${_fmt}_j1
            --quiet)
  set_tests_properties(cli.real_${_fmt} PROPERTIES PASS_REGULAR_EXPRESSION "real: PASS" LABELS real)
endforeach()
set_tests_properties(cli.real_openclaw PROPERTIES FIXTURES_SETUP clawvm_real_j1)
add_test(NAME cli.real_openclaw_jobs3
  COMMAND clawvm_cli real --from openclaw ${_clawvm_real_fixtures}/openclaw --out ${_clawvm_real_work}/openclaw_j3
          --jobs 3 --quiet)
set_tests_properties(cli.real_openclaw_jobs3 PROPERTIES FIXTURES_SETUP clawvm_real_j3 LABELS real)
foreach(_file real.summary.json real.summary.csv real.summary.md)
  add_test(NAME cli.real_jobs_identical_${_file}
    COMMAND ${CMAKE_COMMAND} -E compare_files ${_clawvm_real_work}/openclaw_j1/${_file}
            ${_clawvm_real_work}/openclaw_j3/${_file})
  set_tests_properties(cli.real_jobs_identical_${_file} PROPERTIES
    FIXTURES_REQUIRED "clawvm_real_j1;clawvm_real_j3" LABELS real)
endforeach()

# RL-13: sharded campaigns merge byte-identically (`clawvm real --shard`, `clawvm merge`):
# four sessions of our own fixtures always; the 24 real sessions where ../shared has them
# (a small grid: the debug build replays them in seconds).
set(_real_shard_inputs "${_clawvm_real_fixtures}/openclaw/fx-openclaw-1.jsonl|${_clawvm_real_fixtures}/versions/oc-v1.jsonl|${_clawvm_real_fixtures}/versions/oc-v2.jsonl|${_clawvm_real_fixtures}/versions/oc-v3-kept.jsonl")
add_test(NAME cli.real_shards_merge
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:clawvm_cli> -DFROM=openclaw "-DINPUTS=${_real_shard_inputs}"
          "-DGRID=--budgets|120,180|--windows|8192|--cuts|2,full" -DWORK=${_clawvm_real_work}/shards
          -P ${CMAKE_CURRENT_SOURCE_DIR}/real_shards.cmake)
set_tests_properties(cli.real_shards_merge PROPERTIES LABELS real TIMEOUT 300)
add_shared_test(NAME real.openclaw_real_shards_merge NEED traces/openclaw-real LABELS "real;real-data" TIMEOUT 900
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:clawvm_cli> -DFROM=openclaw -DINPUTS=@SHARED_PATH@
          "-DGRID=--budgets|180|--windows|none|--cuts|100|--policy|clawvm,retrieval,oracle|--jobs|2" "-DCOUNTS=1|3"
          -DWORK=${_clawvm_real_work}/shards_real -P ${CMAKE_CURRENT_SOURCE_DIR}/real_shards.cmake)

# Exit codes (RL-11): bad input and usage are 2, with the reason.
function(clawvm_real_exit_test name code output)
  add_test(NAME ${name} COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:clawvm_cli>;${ARGN}" -DEXPECT_CODE=${code}
           "-DEXPECT_OUTPUT=${output}" -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
  set_tests_properties(${name} PROPERTIES LABELS real)
endfunction()
clawvm_real_exit_test(cli.real_unknown_format 2 "unknown format 'aider'"
  real;--from;aider;${_clawvm_real_fixtures}/openclaw;--out;${_clawvm_real_work}/bad)
clawvm_real_exit_test(cli.real_missing_input 2 "nosuch: no such file or directory"
  real;--from;openclaw;${_clawvm_real_fixtures}/nosuch;--out;${_clawvm_real_work}/bad)
clawvm_real_exit_test(cli.real_strict_bad_line 2 "invalid_json.jsonl:3: invalid JSON"
  real;--from;openclaw;${_clawvm_real_fixtures}/bad/invalid_json.jsonl;--out;${_clawvm_real_work}/bad)
clawvm_real_exit_test(cli.real_bad_cuts 2 "--cuts: 'half' is not a cut"
  real;--from;openclaw;${_clawvm_real_fixtures}/openclaw;--out;${_clawvm_real_work}/bad;--cuts;100,half)
clawvm_real_exit_test(cli.real_nothing_to_replay 2 "nothing to replay"
  real;--from;openclaw;${_clawvm_real_fixtures}/openclaw;--out;${_clawvm_real_work}/bad;--budgets;none;--windows;none)
# A planted failure through the CLI: at 20 tokens, below the fixture's peak footprint (120),
# no configuration has sufficient capacity, so the zero-fault checks have nothing to show
# and fail (exit 1, never a vacuous pass).
clawvm_real_exit_test(cli.real_vacuous_fails 1 "clawvm_zero_where_capacity_sufficient  FAIL"
  real;--from;openclaw;${_clawvm_real_fixtures}/openclaw;--out;${_clawvm_real_work}/vacuous;--budgets;20;--windows;none)

# In the suite (RL-12): --real adds the check, the outputs, the manifest inputs and the
# report section.
add_test(NAME suite.real
  COMMAND clawvm_cli suite --turns 12 --quiet --out ${_clawvm_real_work}/suite
          --real ${_clawvm_real_fixtures}/openclaw)
set_tests_properties(suite.real PROPERTIES FIXTURES_SETUP clawvm_real_suite LABELS "real;suite" TIMEOUT 900
  PASS_REGULAR_EXPRESSION "real.sessions +PASS +1 sessions, 56 replays")
foreach(_expect "## Real sessions" "Median faults per session at budget 180" "clawvm_zero_where_capacity_sufficient")
  string(MAKE_C_IDENTIFIER "${_expect}" _id)
  add_test(NAME suite.real_report_${_id}
    COMMAND ${CMAKE_COMMAND} "-DCMD=${CMAKE_COMMAND};-E;cat;${_clawvm_real_work}/suite/report.md" -DEXPECT_CODE=0
            "-DEXPECT_OUTPUT=${_expect}" -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
  set_tests_properties(suite.real_report_${_id} PROPERTIES FIXTURES_REQUIRED clawvm_real_suite LABELS "real;suite")
endforeach()
add_test(NAME suite.real_manifest
  COMMAND ${CMAKE_COMMAND} "-DCMD=${CMAKE_COMMAND};-E;cat;${_clawvm_real_work}/suite/suite.manifest.json"
          -DEXPECT_CODE=0 "-DEXPECT_OUTPUT=\"real_sessions\"" -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
set_tests_properties(suite.real_manifest PROPERTIES FIXTURES_REQUIRED clawvm_real_suite LABELS "real;suite")
