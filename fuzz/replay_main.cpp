// Corpus replayer: runs every file of the given files and directories through the
// fuzz target's LLVMFuzzerTestOneInput, so each fuzzer's corpus and every crash it ever
// found are regression tests under any compiler (fmt's test/fuzzing does the same).
// Arguments starting with '-' are ignored, so libFuzzer command lines work unchanged.
// Exit status: 0 when every input ran (a violated guarantee aborts), 2 on an I/O error.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

bool run_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", file.string().c_str());
    return false;
  }
  const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
  std::fprintf(stderr, "replay %s (%zu bytes)\n", file.string().c_str(), data.size());
  // An empty input is passed as a non-null pointer of size 0, as libFuzzer does.
  static const std::uint8_t empty = 0;
  (void)LLVMFuzzerTestOneInput(data.empty() ? &empty : data.data(), data.size());
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t ran = 0;
  bool ok = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (!arg.empty() && arg[0] == '-') continue;
    const std::filesystem::path path(arg);
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      std::vector<std::filesystem::path> files;
      for (const auto& entry : std::filesystem::recursive_directory_iterator(path, ec)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
      std::sort(files.begin(), files.end());  // deterministic order
      for (const auto& f : files) {
        ok = run_file(f) && ok;
        ++ran;
      }
    } else if (std::filesystem::is_regular_file(path, ec)) {
      ok = run_file(path) && ok;
      ++ran;
    } else {
      std::fprintf(stderr, "no such file or directory: %s\n", arg.c_str());
      ok = false;
    }
  }
  std::fprintf(stderr, "replayed %zu inputs\n", ran);
  if (ran == 0) {
    std::fprintf(stderr, "usage: %s <corpus dir or file>...\n", argc > 0 ? argv[0] : "replay");
    return 2;
  }
  return ok ? 0 : 2;
}
