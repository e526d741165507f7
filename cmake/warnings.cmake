# Warning set for every clawvm target; developer presets turn them into errors.
function(clawvm_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wconversion -Wsign-conversion -Wshadow
    -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
    -Wdouble-promotion -Wformat=2 -Wimplicit-fallthrough)
  # g++ 12 at -O2/-O3 reports -Wnull-dereference false positives inside libstdc++
  # (<streambuf>) and nlohmann/json; clang's version of the check is reliable.
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:Clang>:-Wnull-dereference>)
  if(CLAWVM_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
