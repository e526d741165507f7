// Shard files and their merge, shared by sweep (SW-14) and real (RL-13).
#include "clawvm/eval/shard.hpp"

#include <optional>

#include <fmt/format.h>

namespace clawvm::eval {

using json = nlohmann::json;

json shard_envelope(const shard_file_kind& kind, const shard_spec& shard, json grid, json items) {
  json out{{"format", kind.format}, {"version", kind.version}};
  if (!kind.kind.empty()) out["kind"] = kind.kind;
  out["shard"] = {{"index", shard.index + 1}, {"count", shard.count}};
  out["grid"] = std::move(grid);
  out[std::string(kind.items)] = std::move(items);
  return out;
}

std::variant<shard_items, std::string> collect_shard_items(const std::vector<json>& shards,
                                                           const shard_file_kind& kind,
                                                           const std::function<std::size_t(const json&)>& size_of_grid) {
  if (shards.empty()) return std::string("no shards given");
  shard_items out;
  std::uint32_t count = 0;
  std::vector<bool> seen_shard;
  std::vector<std::optional<json>> items;
  try {
    for (const json& s : shards) {
      if (s.value("format", "") != kind.format || s.value("version", 0) != kind.version ||
          (!kind.kind.empty() && s.value("kind", "") != kind.kind)) {
        return fmt::format("not a {}{}shard (format {} version {})", kind.kind, kind.kind.empty() ? "" : " ",
                           kind.format, kind.version);
      }
      const auto index = s.at("shard").at("index").get<std::uint32_t>();
      const auto n = s.at("shard").at("count").get<std::uint32_t>();
      if (count == 0) {
        count = n;
        out.grid = s.at("grid");
        seen_shard.assign(n, false);
        items.assign(size_of_grid(out.grid), std::nullopt);
      }
      if (n != count) return fmt::format("shard {}/{} is from a campaign of {} shards, not {}", index, n, n, count);
      if (s.at("grid") != out.grid) return fmt::format("shard {}/{} is from another campaign (its grid differs)", index, n);
      if (index < 1 || index > count || seen_shard[index - 1]) {
        return fmt::format("shard {}/{} is given twice or out of range", index, n);
      }
      seen_shard[index - 1] = true;
      for (const json& item : s.at(std::string(kind.items))) {
        const auto i = item.at("index").get<std::size_t>();
        if (i >= items.size() || items[i] || i % count != index - 1) {
          return fmt::format("shard {}/{} holds {} {}, which is not its own", index, n, kind.noun, i);
        }
        items[i] = item;
      }
    }
  } catch (const json::exception& e) {
    return fmt::format("a shard file is malformed: {}", e.what());
  }
  for (std::uint32_t i = 0; i < count; ++i) {
    if (!seen_shard[i]) return fmt::format("shard {}/{} is missing", i + 1, count);
  }
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (!items[i]) return fmt::format("{} {} is in no shard", kind.noun, i);
    out.items.push_back(std::move(*items[i]));
  }
  return out;
}

}  // namespace clawvm::eval
