# lint.spec_ids must be able to fail: a copy of the spec, the traceability table and the
# test lists, plus a source file citing a selector id no heading defines and a test
# executable the table does not mention, plus a retired name (the store's old C++ name) in
# a header and an invariant shorthand in a property, must give exit 1 naming all four. (The planted
# strings are assembled here, so this file itself cites nothing undefined.)
#   cmake -DPYTHON=<python3> -DROOT=<source dir> -DWORK=<dir> -P lint_spec_ids_planted.cmake
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/src ${WORK}/docs ${WORK}/tests ${WORK}/fuzz ${WORK}/include ${WORK}/properties)
file(COPY ${ROOT}/spec DESTINATION ${WORK} PATTERN "conformance" EXCLUDE PATTERN "vectors" EXCLUDE)
file(COPY ${ROOT}/docs/traceability.md DESTINATION ${WORK}/docs)
file(GLOB _lists ${ROOT}/tests/*.cmake)
file(COPY ${_lists} ${ROOT}/tests/CMakeLists.txt DESTINATION ${WORK}/tests)
file(COPY ${ROOT}/fuzz/CMakeLists.txt DESTINATION ${WORK}/fuzz)
set(_id "SEL")
string(APPEND _id "-99")
set(_call "clawvm_catch_test")
string(APPEND _call "(planted_untraced_test planted.cpp)")
file(WRITE ${WORK}/src/planted.cpp "// The selector's hidden step (${_id}).\n")
file(APPEND ${WORK}/tests/CMakeLists.txt "\n${_call}\n")
set(_old "committed")
string(APPEND _old "_state")
file(WRITE ${WORK}/include/planted.hpp "class ${_old};\n")
set(_short "G")
string(APPEND _short "4")
file(WRITE ${WORK}/properties/planted.cpp "// ${_short}: pins hold\n")
execute_process(COMMAND ${PYTHON} ${ROOT}/tools/lint_spec_ids.py ${WORK} RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT _rc EQUAL 1 OR NOT _out MATCHES "src/planted.cpp:1: ${_id} is cited" OR NOT _out MATCHES "planted_untraced_test is not mentioned"
   OR NOT _out MATCHES "include/planted.hpp:1: retired name '${_old}'" OR NOT _out MATCHES "properties/planted.cpp:1: retired name '${_short}'")
  message(FATAL_ERROR "the lint did not catch the planted problems (exit ${_rc}):\n${_out}${_err}")
endif()
message(STATUS "${_out}")
