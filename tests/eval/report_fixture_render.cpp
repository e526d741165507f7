// Renders report.html and report.md from a directory of suite documents (spec/report.md
// RPT-11), for the headless-Chromium test (RPT-12) before `clawvm suite` exists, and for
// looking at the report while editing it:
//   report_fixture_render tests/fixtures/report /tmp/report
#include <cstdio>
#include <exception>
#include <filesystem>

#include "clawvm/eval/report.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s SUITE_DIR OUT_DIR\n", argv[0]);
    return 2;
  }
  try {
    const std::filesystem::path out_dir = argv[2];
    std::filesystem::create_directories(out_dir);
    clawvm::eval::write_report_files(out_dir, clawvm::eval::read_report_inputs(argv[1]));
    std::printf("wrote %s and %s\n", (out_dir / "report.html").c_str(), (out_dir / "report.md").c_str());
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "report_fixture_render: %s\n", e.what());
    return 2;
  }
}
