# Workload format and replay (spec/workload.md, spec/replay.md).
clawvm_catch_test(workload_test workload/workload_test.cpp)
clawvm_catch_test(replay_test workload/replay_test.cpp)

# `clawvm replay` on bad input: exit 2 with file:line and field (CLI-6, RP-8).
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/bad.workload.jsonl "{\"clawvm_workload\":1,\"name\":\"bad\"}\n{\"event\":\"turn_end\"}\n{\"event\":\"demand\",\"page\":7}\n")
add_test(NAME cli.replay_bad_input
  COMMAND ${CMAKE_COMMAND} -DCMD=$<TARGET_FILE:clawvm_cli>\;replay\;${CMAKE_CURRENT_BINARY_DIR}/bad.workload.jsonl -DEXPECT_CODE=2
          "-DEXPECT_OUTPUT=bad.workload.jsonl:3: field 'page'" -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
add_test(NAME cli.replay_unsupported_version
  COMMAND ${CMAKE_COMMAND} -DCMD=$<TARGET_FILE:clawvm_cli>\;replay\;${PROJECT_SOURCE_DIR}/tests/fixtures/workload/version2.workload.jsonl -DEXPECT_CODE=2
          "-DEXPECT_OUTPUT=version2.workload.jsonl:1: field 'clawvm_workload': unsupported workload version 2" -P ${CMAKE_CURRENT_SOURCE_DIR}/expect_exit.cmake)
