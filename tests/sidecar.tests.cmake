# The live sidecar (spec/sidecar.md): in-process and through `clawvm serve` processes.
clawvm_catch_test(sidecar_test sidecar/sidecar_test.cpp)
target_link_libraries(sidecar_test PRIVATE SQLite::SQLite3)
target_compile_definitions(sidecar_test PRIVATE CLAWVM_CLI_PATH="$<TARGET_FILE:clawvm_cli>")
add_dependencies(sidecar_test clawvm_cli)
