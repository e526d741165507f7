# Generators, Tier-2 sweep, ablations (spec/generators.md, spec/sweep.md). Included by
# tests/CMakeLists.txt.

clawvm_catch_test(generators_test eval/generators_test.cpp)
target_link_libraries(generators_test PRIVATE clawvm::eval)
clawvm_catch_test(sweep_test eval/sweep_test.cpp)
target_link_libraries(sweep_test PRIVATE clawvm::eval)
clawvm_catch_test(ablation_test eval/ablation_test.cpp)
target_link_libraries(ablation_test PRIVATE clawvm::eval)

set(_clawvm_sweep_work ${CMAKE_CURRENT_BINARY_DIR}/sweep_cli)
file(MAKE_DIRECTORY ${_clawvm_sweep_work})  # generate writes a file into it; it does not create directories

# GEN-12: `clawvm generate` writes a workload that `clawvm replay` reads back.
add_test(NAME cli.generate
  COMMAND clawvm_cli generate --family preference_drift --seed 9 --out ${_clawvm_sweep_work}/drift.workload.jsonl)
set_tests_properties(cli.generate PROPERTIES FIXTURES_SETUP clawvm_generated_workload
  PASS_REGULAR_EXPRESSION "workload preference_drift-s9 \\([0-9]+ events, 96 turns\\)")
add_test(NAME cli.generate_replay
  COMMAND clawvm_cli replay ${_clawvm_sweep_work}/drift.workload.jsonl --policy all --budget 180)
set_tests_properties(cli.generate_replay PROPERTIES FIXTURES_REQUIRED clawvm_generated_workload)
# CLI-6, RP-10: the cache columns. Under the default 1 024-token minimum these few-hundred-
# token prompts are never cached; with a 32-token minimum they are.
add_test(NAME cli.replay_cache_default
  COMMAND clawvm_cli replay ${_clawvm_sweep_work}/drift.workload.jsonl --policy cache_aware --budget 500)
add_test(NAME cli.replay_cache_min_tokens
  COMMAND clawvm_cli replay ${_clawvm_sweep_work}/drift.workload.jsonl --policy cache_aware --budget 500
          --cache-min-tokens 32 --cache-ttl-turns 5)
set_tests_properties(cli.replay_cache_default PROPERTIES FIXTURES_REQUIRED clawvm_generated_workload
  PASS_REGULAR_EXPRESSION "cache_aware +500 +96 +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+ +[0-9]+ +0\\.000 +0 ")
set_tests_properties(cli.replay_cache_min_tokens PROPERTIES FIXTURES_REQUIRED clawvm_generated_workload
  PASS_REGULAR_EXPRESSION "cache_aware +500 +96 +[0-9]+ +[0-9]+ +[0-9]+ +[0-9.]+ +[0-9]+ +0\\.[0-9]*[1-9][0-9]* +[1-9]")
add_test(NAME cli.generate_bad_family
  COMMAND ${CMAKE_COMMAND} -DCMD=$<TARGET_FILE:clawvm_cli>\;generate\;--family\;nosuch\;--out\;${_clawvm_sweep_work}/x.jsonl
          -DEXPECT_CODE=2 -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)

# SW-9: the sweep CLI passes its shape check, and --jobs does not change a byte of output.
foreach(_jobs 1 2)
  add_test(NAME cli.sweep_jobs${_jobs}
    COMMAND clawvm_cli sweep --out ${_clawvm_sweep_work}/jobs${_jobs} --jobs ${_jobs} --turns 48 --budgets 120,240,500)
  set_tests_properties(cli.sweep_jobs${_jobs} PROPERTIES FIXTURES_SETUP clawvm_sweep_jobs
    PASS_REGULAR_EXPRESSION "shape: PASS")
endforeach()
foreach(_file tier2.summary.json tier2.summary.csv tier2.summary.md stress.json stress.md)
  add_test(NAME cli.sweep_jobs_identical.${_file}
    COMMAND ${CMAKE_COMMAND} -E compare_files ${_clawvm_sweep_work}/jobs1/${_file} ${_clawvm_sweep_work}/jobs2/${_file})
  set_tests_properties(cli.sweep_jobs_identical.${_file} PROPERTIES FIXTURES_REQUIRED clawvm_sweep_jobs)
endforeach()
add_test(NAME cli.sweep_bad_budgets
  COMMAND ${CMAKE_COMMAND} -DCMD=$<TARGET_FILE:clawvm_cli>\;sweep\;--out\;${_clawvm_sweep_work}/bad\;--budgets\;120,x
          -DEXPECT_CODE=2 -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
add_test(NAME cli.sweep_bad_policy
  COMMAND ${CMAKE_COMMAND} -DCMD=$<TARGET_FILE:clawvm_cli>\;sweep\;--out\;${_clawvm_sweep_work}/bad\;--policy\;clawvm,nosuch
          -DEXPECT_CODE=2 -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)

# SW-13: the ablation CLI writes both documents; its reference check passes.
add_test(NAME cli.ablate
  COMMAND clawvm_cli ablate --out ${_clawvm_sweep_work}/ablate --turns 32 --jobs 2)
set_tests_properties(cli.ablate PROPERTIES PASS_REGULAR_EXPRESSION "clawvm_zero_where_floor_fits: pass")

# SW-14: sharded sweep campaigns merge byte-identically (`clawvm sweep --shard`, `clawvm merge`).
add_test(NAME cli.sweep_shards_merge
  COMMAND ${CMAKE_COMMAND} -DCLI=$<TARGET_FILE:clawvm_cli> -DWORK=${CMAKE_CURRENT_BINARY_DIR}/sweep_shards
          -P ${CMAKE_CURRENT_SOURCE_DIR}/sweep_shards.cmake)
set_tests_properties(cli.sweep_shards_merge PROPERTIES TIMEOUT 600)

# The exact offline optimum (spec/optimum.md OPT-6).
clawvm_catch_test(optimum_test eval/optimum_test.cpp)
clawvm_catch_test(no_compaction_test eval/no_compaction_test.cpp)
target_link_libraries(no_compaction_test PRIVATE clawvm::eval)
target_link_libraries(optimum_test PRIVATE clawvm::eval)
# CLI-10: `clawvm optimum` on the generated workload: the optimum, then every policy with
# its gap (JSON keys sorted).
add_test(NAME cli.optimum
  COMMAND clawvm_cli optimum ${_clawvm_sweep_work}/drift.workload.jsonl --budget 120 --json)
set_tests_properties(cli.optimum PROPERTIES FIXTURES_REQUIRED clawvm_generated_workload
  PASS_REGULAR_EXPRESSION "\"optimum_faults\":[0-9]+,\"policies\":\\[\\{\"faults_total\":[0-9]+,\"optimum_gap\":[0-9]+,\"policy\":\"retrieval\"\\}.*\"policy\":\"cache_aware\"\\}\\],\"required_only_faults\":[0-9]+,\"selections\":[0-9]+")
add_test(NAME cli.optimum_bad_workload
  COMMAND ${CMAKE_COMMAND} "-DCMD=$<TARGET_FILE:clawvm_cli>;optimum;${CMAKE_CURRENT_SOURCE_DIR}/CMakeLists.txt;--budget;120"
          -DEXPECT_CODE=2 "-DEXPECT_OUTPUT=CMakeLists.txt:1:" -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
