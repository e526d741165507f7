# Workload format and replay (spec/workload.md, spec/replay.md).
clawvm_catch_test(workload_test workload/workload_test.cpp)
clawvm_catch_test(replay_test workload/replay_test.cpp)
