# clawvm-explore --simulate: one seed names one run. The same config and seed, run twice,
# print the same bytes (the failing behaviour of a _bug config, the counts of a green one).
#   cmake -DEXPLORE=<clawvm-explore> -P simulate_repeat.cmake
foreach(_case "MCLifecycle_flush_overwrites_memory_bug;1" "MCJournal_overwrite_on_version_mismatch_bug;1"
              "MCLifecycle;0")
  list(GET _case 0 _config)
  list(GET _case 1 _code)
  foreach(_run 1 2)
    execute_process(COMMAND ${EXPLORE} --simulate ${_config} --seed 7 --traces 300 --depth 40
                    RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
    if(NOT _rc STREQUAL _code)
      message(FATAL_ERROR "${_config}: expected exit ${_code}, got '${_rc}'\n${_out}${_err}")
    endif()
    set(_out_${_run} "${_out}")
  endforeach()
  set(_first "${_out_1}")
  set(_second "${_out_2}")
  if(NOT _first STREQUAL _second)
    message(FATAL_ERROR "${_config}: seed 7 printed different bytes on two runs:\n${_first}\n---\n${_second}")
  endif()
  string(LENGTH "${_first}" _n)
  message("${_config}: seed 7 twice, the same ${_n} bytes")
endforeach()
