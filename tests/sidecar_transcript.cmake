# A sidecar driven from a separate process through real session transcripts decides like
# offline replay (spec/sidecar.md SC-4): each transcript is imported (`clawvm import`),
# its events are fed to `clawvm serve` on stdin, and the sidecar's decision trace must be
# byte-identical to `clawvm replay --trace` of the same workload.
#   FORMAT, INPUTS (a directory or a list of files), CLI, WORK, POLICY, BUDGET.
#   INPUTS must exist: tests on data that may be absent run through with_shared.cmake.
cmake_minimum_required(VERSION 3.25)
if(IS_DIRECTORY ${INPUTS})
  file(GLOB _inputs ${INPUTS}/*.jsonl)
elseif(INPUTS MATCHES "\\.jsonl")
  set(_inputs ${INPUTS})
endif()
if(NOT _inputs)
  message(FATAL_ERROR "no transcripts in ${INPUTS}")
endif()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/workloads)
execute_process(COMMAND ${CLI} import --from ${FORMAT} ${_inputs} --out ${WORK}/workloads --lenient --quiet
                RESULT_VARIABLE _rc OUTPUT_VARIABLE _out ERROR_VARIABLE _err)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "import failed (${_rc}):\n${_out}${_err}")
endif()
file(GLOB _workloads ${WORK}/workloads/*.workload.jsonl)
set(_count 0)
foreach(_w IN LISTS _workloads)
  get_filename_component(_name ${_w} NAME_WE)
  # The events are the workload minus its header line.
  file(READ ${_w} _text)
  string(FIND "${_text}" "\n" _eol)
  math(EXPR _start "${_eol} + 1")
  string(SUBSTRING "${_text}" ${_start} -1 _events)
  file(WRITE ${WORK}/${_name}.requests.jsonl "${_events}")
  execute_process(COMMAND ${CLI} serve --store :memory: --policy ${POLICY} --budget ${BUDGET}
                          --strict --trace ${WORK}/${_name}.serve.trace.jsonl
                  INPUT_FILE ${WORK}/${_name}.requests.jsonl OUTPUT_FILE ${WORK}/${_name}.responses.jsonl
                  RESULT_VARIABLE _rc ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "${_name}: clawvm serve exited ${_rc}:\n${_err}")
  endif()
  execute_process(COMMAND ${CLI} replay ${_w} --policy ${POLICY} --budget ${BUDGET}
                          --trace ${WORK}/${_name}.replay.trace.jsonl
                  RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_VARIABLE _err)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "${_name}: clawvm replay exited ${_rc}:\n${_err}")
  endif()
  file(SHA256 ${WORK}/${_name}.serve.trace.jsonl _serve)
  file(SHA256 ${WORK}/${_name}.replay.trace.jsonl _replay)
  file(SIZE ${WORK}/${_name}.serve.trace.jsonl _bytes)
  if(NOT _serve STREQUAL _replay OR _bytes EQUAL 0)
    message(FATAL_ERROR "${_name}: the sidecar's decision trace differs from offline replay (or is empty)")
  endif()
  math(EXPR _count "${_count} + 1")
endforeach()
if(_count EQUAL 0)
  message(FATAL_ERROR "no workloads were imported from ${INPUTS}")
endif()
message(STATUS "${_count} transcripts: sidecar decisions equal offline replay")
