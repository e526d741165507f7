#!/bin/bash -eu
# Builds every clawvm libFuzzer target as ClusterFuzzLite and OSS-Fuzz do (their
# environment: CC, CXX, CFLAGS, CXXFLAGS, LIB_FUZZING_ENGINE, SRC, WORK, OUT, SANITIZER),
# and puts into $OUT, per fuzzer: the binary, <name>_seed_corpus.zip (fuzz/corpus/),
# <name>.dict (fuzz/dict/) and <name>.options (its max_len). The list of fuzzers, their
# corpora, dictionaries and lengths is the build's own (fuzz/CMakeLists.txt writes
# fuzzers.tsv), so nothing here repeats it. Tested by ctest clusterfuzzlite.build.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
[ -f "$here/CMakeLists.txt" ] || here="$SRC/clawvm"
build="$WORK/clawvm-build"
cmake -S "$here" -B "$build" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="$CXXFLAGS" \
  -DCLAWVM_DEVELOPER_MODE=OFF -DCLAWVM_BUILD_LIBFUZZER=ON \
  -DCLAWVM_FUZZING_ENGINE="$LIB_FUZZING_ENGINE"
cmake --build "$build" --target fuzzers -j "$(nproc)"
mkdir -p "$OUT"
while IFS=$'\t' read -r name corpus dict max_len; do
  cp "$build/fuzz/$name" "$OUT/$name"
  rm -f "$OUT/${name}_seed_corpus.zip"
  (cd "$corpus" && python3 -m zipfile -c "$OUT/${name}_seed_corpus.zip" $(ls -A))
  if [ -n "$dict" ]; then cp "$here/fuzz/dict/$dict" "$OUT/$name.dict"; fi
  {
    echo "[libfuzzer]"
    if [ -n "$max_len" ]; then echo "max_len = $max_len"; fi
    echo "timeout = 10"
  } > "$OUT/$name.options"
done < "$build/fuzzers.tsv"
echo "build.sh: $(wc -l < "$build/fuzzers.tsv") fuzzers in $OUT"
