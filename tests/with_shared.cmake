# Runs a test that needs data from ../shared (real transcripts, TLC), or reports it
# skipped. ctest marks the test skipped when the output matches SKIP_REGULAR_EXPRESSION
# "CLAWVM-SKIP:" (CMake 3.25 has no cmake_language(EXIT) for script mode).
#
#   cmake -DSHARED_DEFAULT=<dir> -DNEED=<path inside it> "-DCMD=<command;args>" -P with_shared.cmake
#
# The shared folder is $ENV{CLAWVM_SHARED_DIR} when set (CI points it at a folder that does
# not exist to prove every such test skips), else SHARED_DEFAULT. "@SHARED_PATH@" in CMD is
# replaced by the needed path. A command that exits 77 has found nothing to run: skipped.
cmake_minimum_required(VERSION 3.25)
if(DEFINED ENV{CLAWVM_SHARED_DIR})
  set(_base "$ENV{CLAWVM_SHARED_DIR}")
else()
  set(_base "${SHARED_DEFAULT}")
endif()
set(_path "${_base}/${NEED}")
if(NOT EXISTS "${_path}")
  message("CLAWVM-SKIP: ${_path} is absent (the shared folder beside the project, or CLAWVM_SHARED_DIR)")
  return()
endif()
string(REPLACE "@SHARED_PATH@" "${_path}" _cmd "${CMD}")
execute_process(COMMAND ${_cmd} RESULT_VARIABLE _rc)
if(_rc EQUAL 77)
  message("CLAWVM-SKIP: the test found nothing to run in ${_path}")
elseif(NOT _rc EQUAL 0)
  message(FATAL_ERROR "test failed (exit ${_rc}): ${_cmd}")
endif()
