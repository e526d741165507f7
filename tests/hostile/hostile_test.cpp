// Hostile input and hostile machines (issue 9): every entry point of `clawvm` given input
// built to crash it, to make it loop or grow without bound, to make it lose a write
// silently, or to make it write where it should not. Each case asserts the documented
// outcome: exit 2 with the file, line and field named, nothing committed lost, no file
// half-written under its final name. Runs under ASan in CI like every test.
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "clawvm/merge_rules.hpp"
#include "clawvm/sidecar.hpp"
#include "clawvm/sqlite_store.hpp"
#include "run_cli.hpp"

namespace fs = std::filesystem;
using clawvm::test::cli_result;
using clawvm::test::cli_run;
using nlohmann::json;

namespace {

const std::string cli = CLAWVM_CLI_PATH;

struct scratch {
  fs::path dir;
  explicit scratch(const std::string& name) {
    dir = fs::temp_directory_path() / ("clawvm_hostile_" + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~scratch() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  std::string write(const std::string& name, const std::string& bytes) const {
    const auto p = dir / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  cli_result run(std::vector<std::string> args, std::string stdin_path = "/dev/null") const {
    cli_run r;
    r.args = std::move(args);
    r.stdin_path = std::move(stdin_path);
    return clawvm::test::run_cli(cli, r, dir);
  }
};

bool contains(const std::string& haystack, const std::string& needle) { return haystack.find(needle) != std::string::npos; }

std::string nested(std::size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

const std::string header = R"({"clawvm_workload":1,"name":"hostile","family":"custom"})"
                           "\n";
const std::string evidence_page = R"({"id":"r","type":"evidence","representations":{"full":{"tokens":4},"pointer":{"tokens":1}}})";

std::vector<json> json_lines(const std::string& text) {
  std::vector<json> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

}  // namespace

TEST_CASE("JR-10 WL-3: a workload line nested 100 000 levels deep is bad input at its line, not a crash",
          "[hostile][nesting]") {
  const scratch s("deep_workload");
  const auto w = s.write("deep.workload.jsonl",
                         header + R"({"event":"tool_call","tool":"t","arguments":)" + nested(100000) +
                             R"(,"result":)" + evidence_page + "}\n");
  const auto r = s.run({"replay", w, "--policy", "all"});
  CHECK(r.status == 2);
  CHECK(contains(r.err, "deep.workload.jsonl:2:"));
  CHECK(contains(r.err, "nested deeper than 128 levels"));
}

TEST_CASE("JR-10 FT-3: tool-call arguments given as text nested past the limit are a rejected call, the replay goes on",
          "[hostile][nesting]") {
  const scratch s("deep_arguments");
  json call{{"event", "tool_call"}, {"tool", "t"}, {"arguments_text", nested(100000)}, {"result", json::parse(evidence_page)}};
  const auto w = s.write("args.workload.jsonl", header + call.dump() + "\n" + R"({"event":"turn_end"})" + "\n");
  const auto r = s.run({"replay", w, "--json"});
  REQUIRE(r.status == 0);
  const auto metrics = json::parse(r.out.substr(0, r.out.find('\n')));
  CHECK(metrics["tool_rejected"] == 1);
  CHECK(metrics["reasons"]["SCHEMA_INVALID"] == 1);
}

TEST_CASE("SC-6: a deep request, a number beyond binary64 and a NUL byte each get an error response and the sidecar goes on",
          "[hostile][sidecar]") {
  const scratch s("sidecar_lenient");
  std::string requests = R"({"id":1,"op":"hello"})" "\n";
  requests += R"({"id":2,"event":"tool_call","tool":"t","arguments":)" + nested(100000) + R"(,"result":)" + evidence_page + "}\n";
  requests += R"({"id":3,"event":"demand","page":"x","comment":1e400})" "\n";
  requests += std::string(R"({"id":4,"op":"hello"})") + '\0' + "garbage\n";
  requests += R"({"id":5,"op":"counters"})" "\n";
  const auto in = s.write("requests.jsonl", requests);
  const auto r = s.run({"serve", "--store", ":memory:"}, in);
  CHECK(r.status == 0);
  const auto responses = json_lines(r.out);
  REQUIRE(responses.size() == 5);
  CHECK(responses[0]["ok"] == true);
  for (std::size_t i = 1; i <= 3; ++i) {
    CHECK(responses[i]["ok"] == false);
    CHECK(responses[i]["error"]["line"] == i + 1);
  }
  CHECK(contains(responses[1]["error"]["message"].get<std::string>(), "nested deeper than 128"));
  CHECK(contains(responses[2]["error"]["message"].get<std::string>(), "number overflow"));
  CHECK(contains(responses[3]["error"]["message"].get<std::string>(), "NUL byte"));
  CHECK(responses[4]["bad_requests"] == 3);
}

TEST_CASE("IM-3: a Codex call whose arguments string nests past the limit imports as a string and the workload replays",
          "[hostile][nesting][import]") {
  const scratch s("codex_deep");
  const std::string fixture = clawvm::test::slurp(CLAWVM_IMPORT_FIXTURES "/codex/rollout-2026-01-01T00-00-00-cx-fixture-1.jsonl");
  json call{{"timestamp", "2026-01-01T00:00:09.000Z"},
            {"type", "response_item"},
            {"payload", {{"type", "function_call"}, {"name", "shell"}, {"arguments", nested(100000)}, {"call_id", "deep-1"}}}};
  json output{{"timestamp", "2026-01-01T00:00:09.500Z"},
              {"type", "response_item"},
              {"payload", {{"type", "function_call_output"}, {"call_id", "deep-1"}, {"output", "ok"}}}};
  const auto in = s.write("rollout-deep.jsonl", fixture + call.dump() + "\n" + output.dump() + "\n");
  const auto r = s.run({"import", "--from", "codex", in, "--out", (s.dir / "out").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto replayed = s.run({"replay", (s.dir / "out" / "rollout-deep.workload.jsonl").string()});
  CHECK(replayed.status == 0);
}

TEST_CASE("GT-1 RL-2: gates and real name the file and line of a deep line", "[hostile][nesting]") {
  const scratch s("deep_gates");
  fs::create_directories(s.dir / "vectors");
  for (const auto& e : fs::directory_iterator(CLAWVM_GATE_VECTORS)) fs::copy_file(e.path(), s.dir / "vectors" / e.path().filename());
  const auto victim = s.dir / "vectors" / "reset_flush_miss.workload.jsonl";
  const std::string before = clawvm::test::slurp(victim);
  const auto lines = std::count(before.begin(), before.end(), '\n');
  std::ofstream(victim, std::ios::app) << R"({"event":"tool_call","tool":"t","arguments":)" << nested(100000)
                                       << R"(,"result":)" << evidence_page << "}\n";
  const auto gates = s.run({"gates", "--vectors", (s.dir / "vectors").string(), "--out", (s.dir / "g").string()});
  CHECK(gates.status == 2);
  CHECK(contains(gates.err, "reset_flush_miss.workload.jsonl:" + std::to_string(lines + 1) + ":"));
  CHECK(contains(gates.err, "nested deeper than 128"));

  const auto transcript = s.write("deep.jsonl", R"({"type":"session","version":3,"id":"s1","timestamp":"2026-01-01T00:00:00Z","cwd":"/"})" "\n" +
                                                    std::string(R"({"type":"message","x":)") + nested(100000) + "}\n");
  const auto real = s.run({"real", "--from", "openclaw", transcript, "--out", (s.dir / "r").string()});
  CHECK(real.status == 2);
  CHECK(contains(real.err, "deep.jsonl:2:"));
  CHECK(contains(real.err, "nested deeper than 128"));
}

TEST_CASE("CLI-5: check-trace reports a wrong-typed field, a directory, an empty file and an endless file, and checks every file",
          "[hostile][check_trace]") {
  const scratch s("check_trace");
  const auto typed = s.write("typed.jsonl", R"({"v":1,"seq":0,"turn":0,"event":"install","step":3})" "\n");
  const auto empty = s.write("empty.jsonl", "");
  const auto nul = s.write("nul.jsonl", std::string(R"({"v":1,"seq":0,"turn":0,"event":"session_start","auto_pin":true})") + '\0' + "x\n");
  fs::create_directories(s.dir / "adir");
  // A good trace after the bad ones: still checked.
  const auto demo = s.run({"demo", "--quiet", "--no-compare", "--trace", (s.dir / "good.jsonl").string()});
  REQUIRE(demo.status == 0);
  const auto r = s.run({"check-trace", typed, (s.dir / "adir").string(), empty, nul, "/dev/zero", (s.dir / "good.jsonl").string()});
  CHECK(r.status == 2);
  CHECK(contains(r.out, "typed.jsonl:1: diverges"));
  CHECK(contains(r.err, "adir: is a directory"));
  CHECK(contains(r.err, "empty.jsonl: no trace lines"));
  CHECK(contains(r.out, "nul.jsonl:1: diverges"));
  CHECK(contains(r.out, "NUL byte"));
  CHECK(contains(r.err, "/dev/zero:1: line longer than"));
  CHECK(contains(r.out, "good.jsonl: OK"));
}

TEST_CASE("JR-3 JR-10: a journal value whose text holds a NUL byte is rejected, never committed truncated", "[hostile][nul]") {
  const scratch s("nul_value");
  const json boot = json::parse(R"({"id":"boot","type":"bootstrap","pin":"hard","representations":{"full":{"tokens":8},"structured":{"tokens":4}}})");
  const json plan = json::parse(R"({"id":"plan","type":"plan","representations":{"full":{"tokens":8},"structured":{"tokens":4},"pointer":{"tokens":1}}})");
  const json update{{"event", "update"},
                    {"page", plan},
                    {"change",
                     {{"field", "notes"}, {"op", "set_with_version"}, {"value_text", std::string("1") + '\0' + "garbage"}, {"evidence_ref", "boot"}}}};
  const auto w = s.write("nul.workload.jsonl", header + json{{"event", "ingest"}, {"page", boot}}.dump() + "\n" +
                                                   json{{"event", "ingest"}, {"page", plan}}.dump() + "\n" + update.dump() + "\n" +
                                                   R"({"event":"memory_flush"})" "\n" R"({"event":"recall","scope":"session","field":"notes"})" "\n");
  const auto r = s.run({"replay", w, "--json"});
  REQUIRE(r.status == 0);
  const auto m = json::parse(r.out.substr(0, r.out.find('\n')));
  CHECK(m["commits"] == 0);
  CHECK(m["reasons"]["SCHEMA_INVALID"] == 1);
  CHECK(m["reasons"]["RECALL_NO_MATCH"] == 1);
}

TEST_CASE("WL-3 IM-3 IM-14: a NUL byte in a workload line, a transcript line or a mapping file is an error at its place",
          "[hostile][nul]") {
  const scratch s("nul_inputs");
  const auto w = s.write("w.workload.jsonl", header + std::string(R"({"event":"turn_end"})") + '\0' + R"(,"x":1)" + "\n");
  const auto replay = s.run({"replay", w});
  CHECK(replay.status == 2);
  CHECK(contains(replay.err, "w.workload.jsonl:2:"));
  CHECK(contains(replay.err, "NUL byte"));

  const auto t = s.write("t.jsonl", std::string(R"({"type":"session","version":3,"id":"s1","timestamp":"2026-01-01T00:00:00Z","cwd":"/"})") + '\0' + "\n");
  const auto import = s.run({"import", "--from", "openclaw", t, "--out", (s.dir / "out").string()});
  CHECK(import.status == 2);
  CHECK(contains(import.err, "t.jsonl:1:"));
  CHECK(contains(import.err, "NUL byte"));

  const auto mapping = s.write("m.json", std::string(R"({"window_tokens":1000})") + '\0' + "{}");
  const auto mapped = s.run({"import", "--from", "openclaw", "--mapping", mapping, CLAWVM_IMPORT_FIXTURES "/openclaw/fx-openclaw-1.jsonl",
                             "--out", (s.dir / "out2").string()});
  CHECK(mapped.status == 2);
  CHECK(contains(mapped.err, "m.json: invalid JSON: NUL byte"));
}

TEST_CASE("WL-3 IM-3 IM-14: endless inputs end: replay, import and --mapping of /dev/zero", "[hostile][endless]") {
  const scratch s("endless");
  const auto replay = s.run({"replay", "/dev/zero"});
  CHECK(replay.status == 2);
  CHECK(contains(replay.err, "/dev/zero:1: line longer than"));
  const auto import = s.run({"import", "--from", "openclaw", "--lenient", "/dev/zero", "--out", (s.dir / "out").string()});
  CHECK(import.status == 2);
  CHECK(contains(import.err, "input abandoned"));
  CHECK_FALSE(fs::exists(s.dir / "out" / "zero.workload.jsonl"));
  const auto mapping = s.run({"import", "--from", "openclaw", "--mapping", "/dev/zero", CLAWVM_IMPORT_FIXTURES "/openclaw/fx-openclaw-1.jsonl",
                              "--out", (s.dir / "out").string()});
  CHECK(mapping.status == 2);
  CHECK(contains(mapping.err, "not a mapping file"));
}

TEST_CASE("CLI-4: a failed write exits 2: --trace on a full device, standard output on a full device", "[hostile][write]") {
  const scratch s("full_device");
  const auto w = s.write("w.workload.jsonl", header + R"({"event":"ingest","page":)" + evidence_page + "}\n" + R"({"event":"turn_end"})" "\n");
  const auto requests = s.write("requests.jsonl", R"({"id":1,"event":"ingest","page":)" + evidence_page + "}\n" + R"({"id":2,"event":"turn_end"})" "\n");
  CHECK(s.run({"replay", w, "--trace", "/dev/full"}).status == 2);
  CHECK(s.run({"demo", "--quiet", "--trace", "/dev/full"}).status == 2);
  CHECK(s.run({"serve", "--store", ":memory:", "--trace", "/dev/full"}, requests).status == 2);
  const std::vector<std::vector<std::string>> commands{{"replay", w}, {"demo"}, {"reason-codes"}, {"serve", "--store", ":memory:"}};
  for (const auto& args : commands) {
    cli_run r;
    r.args = args;
    r.stdin_path = args[0] == "serve" ? requests : "/dev/null";
    r.stdout_path = "/dev/full";
    const auto result = clawvm::test::run_cli(cli, r, s.dir);
    INFO(args[0] << ": " << result.err);
    CHECK(result.status == 2);
  }
}

TEST_CASE("CLI-8: an output cut short by a full disk never appears under its final name", "[hostile][write]") {
  const scratch s("fsize");
  cli_run r;
  r.args = {"gates", "--out", (s.dir / "g").string()};
  r.file_size_limit_bytes = 1000;  // tier1.report.json is larger
  const auto gates = clawvm::test::run_cli(cli, r, s.dir);
  CHECK(gates.status == 2);
  CHECK(contains(gates.err, "File too large"));
  CHECK_FALSE(fs::exists(s.dir / "g" / "tier1.report.json"));
  for (const auto& e : fs::directory_iterator(s.dir / "g")) {
    CHECK(e.path().filename().string().rfind(".tier1", 0) != 0);  // no temporary left behind
  }

  r.args = {"import", "--from", "openclaw", CLAWVM_IMPORT_FIXTURES "/openclaw/fx-openclaw-1.jsonl", "--out", (s.dir / "i").string()};
  r.file_size_limit_bytes = 500;
  const auto import = clawvm::test::run_cli(cli, r, s.dir);
  CHECK(import.status == 2);
  CHECK(fs::is_empty(s.dir / "i"));
}

TEST_CASE("CLI-8: a symlink planted at an output's name is replaced, its target left alone", "[hostile][symlink]") {
  const scratch s("symlink");
  const auto victim = s.write("victim.txt", "precious\n");
  const auto out = s.dir / "g";
  REQUIRE(s.run({"gates", "--out", out.string()}).status == 0);
  fs::remove(out / "tier1.report.md");
  fs::create_symlink(victim, out / "tier1.report.md");
  REQUIRE(s.run({"gates", "--out", out.string()}).status == 0);
  CHECK(clawvm::test::slurp(victim) == "precious\n");
  CHECK(fs::is_regular_file(fs::symlink_status(out / "tier1.report.md")));

  fs::create_directories(s.dir / "i");
  fs::create_symlink(victim, s.dir / "i" / "fx-openclaw-1.workload.jsonl");
  REQUIRE(s.run({"import", "--from", "openclaw", CLAWVM_IMPORT_FIXTURES "/openclaw/fx-openclaw-1.jsonl", "--out", (s.dir / "i").string()})
              .status == 0);
  CHECK(clawvm::test::slurp(victim) == "precious\n");
  CHECK(fs::is_regular_file(fs::symlink_status(s.dir / "i" / "fx-openclaw-1.workload.jsonl")));

  // The sidecar's trace is appended: a symlink there is refused, not followed.
  const auto link = s.dir / "trace.jsonl";
  fs::create_symlink(victim, link);
  const auto serve = s.run({"serve", "--store", ":memory:", "--trace", link.string()});
  CHECK(serve.status == 2);
  CHECK(contains(serve.err, "symbolic link"));
  CHECK(clawvm::test::slurp(victim) == "precious\n");
}

TEST_CASE("CLI-9: --out never mixes runs: foreign files are refused, a previous run's files are replaced", "[hostile][out_dir]") {
  const scratch s("out_dir");
  const auto out = s.dir / "o";
  REQUIRE(s.run({"real", "--from", "openclaw", CLAWVM_IMPORT_FIXTURES "/openclaw", "--out", out.string(), "--quiet"}).status == 0);
  REQUIRE(fs::exists(out / "real.summary.json"));
  // Another command into the same directory replaces the previous run's files.
  REQUIRE(s.run({"gates", "--out", out.string()}).status == 0);
  CHECK_FALSE(fs::exists(out / "real.summary.json"));
  CHECK(fs::exists(out / "tier1.report.json"));
  const auto listing = clawvm::test::slurp(out / ".clawvm-outputs");
  CHECK(contains(listing, "tier1.report.json\n"));
  CHECK_FALSE(contains(listing, "real.summary"));
  // A file clawvm did not write: refused, and nothing in the directory changes.
  s.write("o/notes.txt", "mine\n");
  const auto refused = s.run({"gates", "--out", out.string()});
  CHECK(refused.status == 2);
  CHECK(contains(refused.err, "'notes.txt' was not written by clawvm"));
  CHECK(fs::exists(out / "tier1.report.json"));
  CHECK(clawvm::test::slurp(out / "notes.txt") == "mine\n");
}

TEST_CASE("CLI-1 CLI-4 IM-14 SU-1: usage errors are named: integer options, a negative cost, a missing --real, an unknown subcommand",
          "[hostile][usage]") {
  const scratch s("usage");
  const auto g = (s.dir / "g.jsonl").string();
  for (const char* bad : {"-1", "18446744073709551616", "1e3", "0x10", ""}) {
    const auto r = s.run({"generate", "--family", "long_plan", "--seed", bad, "--out", g});
    INFO(bad << ": " << r.err);
    CHECK(r.status == 2);
    CHECK(contains(r.err, "--seed"));
  }
  CHECK(s.run({"generate", "--family", "long_plan", "--seed", "18446744073709551615", "--out", g}).status == 0);
  CHECK(s.run({"replay", g, "--budget", "-5"}).status == 2);

  const auto mapping = s.write("m.json", R"({"recompute_cost":{"read":-1}})");
  const auto mapped = s.run({"import", "--from", "openclaw", "--mapping", mapping, CLAWVM_IMPORT_FIXTURES "/openclaw/fx-openclaw-1.jsonl",
                             "--out", (s.dir / "i").string()});
  CHECK(mapped.status == 2);
  CHECK(contains(mapped.err, "field 'recompute_cost.read': expected a non-negative number"));

  const auto suite = s.run({"suite", "--out", (s.dir / "suite").string(), "--real", "/nonexistent/sessions"});
  CHECK(suite.status == 2);
  CHECK(contains(suite.err, "--real: /nonexistent/sessions: no such file or directory"));
  CHECK_FALSE(fs::exists(s.dir / "suite"));  // failed before anything ran or was written

  const auto unknown = s.run({"replai", g});
  CHECK(unknown.status == 2);
  CHECK(contains(unknown.err, "unknown subcommand 'replai'"));
}

TEST_CASE("FT-6 SC-3: recall of a stored value that is not JSON is an explained RECALL_BACKEND_ERROR in a JSON response",
          "[hostile][store]") {
  const scratch s("bad_value");
  const auto db = (s.dir / "s.db").string();
  {
    auto opened = clawvm::sqlite_store::open(db);
    auto& store = *std::get<std::unique_ptr<clawvm::sqlite_store>>(opened);
    clawvm::journal_record rec;
    rec.seq = 1;
    rec.staged = clawvm::update{"p", "notes", clawvm::journal_op::set_with_version, "1", clawvm::scope::session, "p", 0};
    rec.phase = clawvm::journal_phase::committed;
    rec.result = {"<not json>", 1};  // the store keeps bytes: a damaged or hand-edited file
    REQUIRE(store.append(rec) == clawvm::reason_code::ok);
  }
  const auto in = s.write("requests.jsonl", R"({"id":1,"event":"recall","scope":"session","field":"notes"})" "\n");
  const auto r = s.run({"serve", "--store", db}, in);
  CHECK(r.status == 0);
  const auto responses = json_lines(r.out);  // throws if a response is not JSON
  REQUIRE(responses.size() == 1);
  CHECK(responses[0]["found"] == false);
  CHECK(responses[0]["silent"] == false);
  CHECK(responses[0]["reason"] == "RECALL_BACKEND_ERROR");
}

TEST_CASE("JR-6 ST-2: 200 appends of 60 KB to one key grow the store linearly and the value stops at its limit", "[hostile][store]") {
  const scratch s("growth");
  const auto db = (s.dir / "s.db").string();
  std::uint64_t too_large = 0;
  std::uint64_t committed = 0;
  {
    auto opened = clawvm::sqlite_store::open(db);
    auto& store = *std::get<std::unique_ptr<clawvm::sqlite_store>>(opened);
    clawvm::sidecar_options options;
    options.engine.writer = clawvm::principal{true, true};
    clawvm::sidecar server(options, store);
    std::uint64_t line = 0;
    const auto send = [&](const json& request) { return json::parse(server.handle(request.dump(), ++line)); };
    send(json::parse(R"({"event":"ingest","page":{"id":"boot","type":"bootstrap","pin":"hard","representations":{"full":{"tokens":8},"structured":{"tokens":4}}}})"));
    const json page = json::parse(R"({"id":"notes","type":"plan","representations":{"full":{"tokens":8},"structured":{"tokens":4},"pointer":{"tokens":1}}})");
    send({{"event", "ingest"}, {"page", page}});
    const std::string chunk(60 * 1000, 'x');
    for (int i = 0; i < 200; ++i) {
      send({{"event", "update"}, {"page", page}, {"change", {{"field", "notes"}, {"op", "append"}, {"value", chunk}, {"evidence_ref", "boot"}}}});
      const auto flush = send({{"event", "memory_flush"}});
      for (const auto& j : flush["journal"]) {
        if (j["phase"] == "committed") ++committed;
        if (j["reason"] == "VALUE_TOO_LARGE") ++too_large;
      }
    }
    const auto value = store.find(clawvm::scope::session, "notes");
    REQUIRE(value);
    CHECK(value->value_json.size() <= clawvm::committed_value_bytes_max);
    CHECK(store.verify_consistency().empty());
  }
  // Each element is the 60 000-byte string with its quotes and a comma: 60 003 bytes.
  CHECK(committed == (clawvm::committed_value_bytes_max - 1) / 60003);
  CHECK(too_large == 200 - committed);
  // Linear: a journal row holds one incoming value and one result of at most the limit,
  // so 200 rows stay far below the 1.2 GB the unbounded merge wrote.
  const auto bytes = fs::file_size(db);
  INFO("store bytes " << bytes);
  CHECK(bytes <= committed * clawvm::committed_value_bytes_max + 200U * 2U * 60U * 1000U + 4U * 1024U * 1024U);
}
