#!/bin/sh
# The longest functions of src/ (named functions and members; lambdas are counted inside
# the function that holds them), longest first: "lines file:line name". Issue 10 records
# the first line before and after each architecture step.
#   sh tools/function-lengths.sh [how-many]     (needs universal-ctags)
cd "$(dirname "$0")/.." || exit 2
git ls-files 'src/*.cpp' | xargs ctags --fields=+ne --c++-kinds=f -o - |
  awk -F'\t' '$1 !~ /^__anon/ {
    line = ""; end = "";
    for (i = 1; i <= NF; i++) { if ($i ~ /^line:/) line = substr($i, 6); if ($i ~ /^end:/) end = substr($i, 5) }
    if (line != "" && end != "") print end - line + 1, $2 ":" line, $1 }' |
  sort -k1,1nr -k2,2 | head -n "${1:-10}"
