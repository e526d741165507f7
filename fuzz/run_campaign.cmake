# One bounded libFuzzer campaign (ctest label fuzz-campaign): copies the committed seed
# corpus to a scratch directory (the committed corpus is never written by ctest), runs
# the fuzzer on it for SECONDS, and fails if the fuzzer found a crash or a violated
# guarantee (the reproducer is left in ARTIFACTS as crash-*/leak-*/timeout-*).
#
#   cmake -DFUZZER=<exe> -DSEEDS=<dir> -DWORK=<dir> -DSECONDS=<n> [-DDICT=<file>] [-DMAX_LEN=<n>]
#         -P run_campaign.cmake
foreach(var FUZZER SEEDS WORK SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_campaign.cmake: ${var} not set")
  endif()
endforeach()
file(REMOVE_RECURSE "${WORK}/corpus")
file(MAKE_DIRECTORY "${WORK}/corpus" "${WORK}/artifacts")
file(GLOB seeds "${SEEDS}/*")
if(seeds)
  file(COPY ${seeds} DESTINATION "${WORK}/corpus")
endif()
set(options "")
if(DEFINED DICT)
  list(APPEND options -dict=${DICT})
endif()
if(DEFINED MAX_LEN)
  list(APPEND options -max_len=${MAX_LEN})
endif()
execute_process(
  COMMAND "${FUZZER}" -max_total_time=${SECONDS} -print_final_stats=1 -timeout=10 ${options}
          -artifact_prefix=${WORK}/artifacts/ "${WORK}/corpus"
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (exit ${rc}); reproducer in ${WORK}/artifacts/, replay with the <name>_replay executable")
endif()
