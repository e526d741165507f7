#include "clawvm/eval/svg.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <tuple>

#include <fmt/core.h>

namespace clawvm::eval::svg {

namespace {

constexpr std::string_view font_family = "DejaVu Sans, Liberation Sans, Arial, sans-serif";
constexpr std::string_view axis_colour = "#444444";
constexpr std::string_view grid_colour = "#e3e3e3";
constexpr std::string_view text_colour = "#222222";

constexpr double title_baseline_px = 20.0;
constexpr double legend_row_px = 18.0;
constexpr double label_char_px = 6.6;  // average advance of an 11 px sans-serif glyph

// Lines that coincide (ClawVM, LRU and Oracle often all sit at 0 faults) must still be
// told apart, so every line also gets its own dash pattern and marker shape.
constexpr std::array<std::string_view, 6> dash_patterns{"", "7 4", "2 3", "10 3 2 3", "4 4", "1 5"};
enum class marker_shape { circle, square, triangle, diamond, hollow_circle, cross };
constexpr std::array<marker_shape, 6> marker_shapes{marker_shape::circle,   marker_shape::square,
                                                    marker_shape::triangle, marker_shape::diamond,
                                                    marker_shape::hollow_circle, marker_shape::cross};

bool is_present(double v) { return std::isfinite(v); }

std::string px(double v) { return fixed(v, 1); }

// Ticks print with as few decimals as their step needs (0.5 -> 1 decimal, 5 -> none).
int tick_decimals(const std::vector<double>& ticks) {
  if (ticks.size() < 2) return 0;
  const double step = ticks[1] - ticks[0];
  if (step >= 1.0) return 0;
  return std::min(6, static_cast<int>(std::ceil(-std::log10(step) - 1e-9)));
}

std::string text_element(double x, double y, std::string_view anchor, int size_px, std::string_view content,
                         std::string_view extra_attributes = {}) {
  return fmt::format(R"(<text x="{}" y="{}" text-anchor="{}" font-size="{}" fill="{}"{}>{}</text>)", px(x), px(y),
                     anchor, size_px, text_colour, extra_attributes, escape_text(content));
}

// Vertical text along the left edge, centred on y_centre.
std::string y_axis_label(std::string_view text, double y_centre) {
  return text_element(0, 0, "middle", 12, text,
                      fmt::format(R"svg( transform="translate(16 {}) rotate(-90)")svg", px(y_centre)));
}

std::string open_svg(int width_px, double height_px, std::string_view title) {
  const auto height = static_cast<int>(std::ceil(height_px));
  return fmt::format(
      R"(<svg class="chart" width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img" font-family="{2}">)"
      R"(<title>{3}</title>)"
      R"(<text x="8" y="{4}" font-size="14" font-weight="bold" fill="{5}">{3}</text>)",
      width_px, height, font_family, escape_text(title), px(title_baseline_px), text_colour);
}

std::string marker(marker_shape shape, double x, double y, std::string_view colour) {
  switch (shape) {
    case marker_shape::circle:
      return fmt::format(R"(<circle cx="{}" cy="{}" r="3.5" fill="{}"/>)", px(x), px(y), colour);
    case marker_shape::square:
      return fmt::format(R"(<rect x="{}" y="{}" width="7" height="7" fill="{}"/>)", px(x - 3.5), px(y - 3.5), colour);
    case marker_shape::triangle:
      return fmt::format(R"(<path d="M{} {}L{} {}L{} {}Z" fill="{}"/>)", px(x), px(y - 4.5), px(x + 4.5), px(y + 3.5),
                         px(x - 4.5), px(y + 3.5), colour);
    case marker_shape::diamond:
      return fmt::format(R"(<path d="M{} {}L{} {}L{} {}L{} {}Z" fill="{}"/>)", px(x), px(y - 5), px(x + 5), px(y),
                         px(x), px(y + 5), px(x - 5), px(y), colour);
    case marker_shape::hollow_circle:
      return fmt::format(R"(<circle cx="{}" cy="{}" r="4" fill="#ffffff" stroke="{}" stroke-width="2"/>)", px(x), px(y),
                         colour);
    case marker_shape::cross:
      return fmt::format(R"(<path d="M{} {}L{} {}M{} {}L{} {}" stroke="{}" stroke-width="2"/>)", px(x - 4), px(y - 4),
                         px(x + 4), px(y + 4), px(x - 4), px(y + 4), px(x + 4), px(y - 4), colour);
  }
  return {};
}

// Legend below the plot: `columns` entries per row. `swatch` draws the key of entry i
// with its left edge at x and its vertical centre at y.
template <class DrawSwatch>
std::string legend(const std::vector<series>& entries, double left, double top, double width, std::size_t columns,
                   DrawSwatch swatch) {
  std::string out;
  const double column_px = width / static_cast<double>(columns);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const double x = left + column_px * static_cast<double>(i % columns);
    const double y = top + legend_row_px * static_cast<double>(i / columns) + legend_row_px / 2.0;
    out += swatch(i, x, y);
    out += text_element(x + 30.0, y + 4.0, "start", 12, entries[i].name);
  }
  return out;
}

double legend_height(std::size_t entries, std::size_t columns) {
  if (entries == 0) return 0.0;
  return legend_row_px * static_cast<double>((entries + columns - 1) / columns) + 6.0;
}

std::string bar_swatch(const series& s, double x, double y) {
  return fmt::format(R"(<rect x="{}" y="{}" width="22" height="12" fill="{}"/>)", px(x), px(y - 6.0), s.colour);
}

std::string x_value_label(double v) {
  return std::floor(v) == v ? fixed(v, 0) : fixed(v, 2);
}

}  // namespace

std::string escape_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: {
        const auto byte = static_cast<unsigned char>(c);
        // XML 1.0 forbids most C0 controls even as references; show that something was there.
        if ((byte < 0x20 && c != '\t' && c != '\n') || byte == 0x7f) {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
      }
    }
  }
  return out;
}

std::string fixed(double value, int decimals) {
  std::string out = fmt::format("{:.{}f}", value, decimals);
  // Values that round to zero print without a sign: -0.0 and -0.04 (1 decimal) are "0.0".
  if (out.front() == '-' && out.find_first_not_of("0.", 1) == std::string::npos) out.erase(0, 1);
  return out;
}

std::vector<double> linear_ticks(double max_value, int target_count) {
  if (!(max_value > 0.0)) max_value = 1.0;
  target_count = std::max(1, target_count);
  const double raw_step = max_value / static_cast<double>(target_count);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw_step)));
  const double normalised = raw_step / magnitude;
  const double step = (normalised <= 1.0 ? 1.0 : normalised <= 2.0 ? 2.0 : normalised <= 5.0 ? 5.0 : 10.0) * magnitude;
  const auto steps = static_cast<int>(std::ceil(max_value / step - 1e-9));
  std::vector<double> ticks;
  // i * step, not repeated addition: no drift in the last tick's digits.
  for (int i = 0; i <= std::max(1, steps); ++i) ticks.push_back(step * static_cast<double>(i));
  return ticks;
}

std::vector<double> log1p_ticks(double max_value) {
  std::vector<double> ticks{0.0};
  double decade = 1.0;
  while (true) {
    for (const double multiple : {1.0, 3.0}) {
      ticks.push_back(decade * multiple);
      if (decade * multiple >= max_value) return ticks;
    }
    decade *= 10.0;
  }
}

// The frame shared by the line and scatter charts: the y axis on the left, the x axis
// with its labels and title below the plot, the legend under the frame.
struct xy_frame {
  static constexpr double left = 58.0;
  static constexpr double right_margin = 18.0;
  static constexpr double top = 34.0;
  static constexpr double axis_area = 44.0;
  static constexpr std::size_t legend_columns = 3;
  double height;  // of the frame, without the legend
  double plot_width;
  double plot_height;
  double plot_bottom;

  xy_frame(int width_px, int height_px)
      : height(static_cast<double>(height_px)),
        plot_width(static_cast<double>(width_px) - left - right_margin),
        plot_height(height - top - axis_area),
        plot_bottom(top + plot_height) {}

  // A horizontal grid line and its label at every tick, drawn at y_of(tick).
  template <class YOf>
  std::string y_grid(const std::vector<double>& ticks, YOf y_of) const {
    std::string out;
    const int decimals = tick_decimals(ticks);
    for (const double t : ticks) {
      const double y = y_of(t);
      out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>)", px(left), px(y),
                         px(left + plot_width), px(y), grid_colour);
      out += text_element(left - 6.0, y + 4.0, "end", 11, fixed(t, decimals));
    }
    return out;
  }

  // Both axis lines and both axis titles.
  std::string axes(std::string_view x_label, std::string_view y_label) const {
    std::string out = fmt::format(R"(<path d="M{} {}V{}H{}" fill="none" stroke="{}"/>)", px(left), px(top),
                                  px(plot_bottom), px(left + plot_width), axis_colour);
    out += text_element(left + plot_width / 2.0, plot_bottom + 36.0, "middle", 12, x_label);
    out += y_axis_label(y_label, top + plot_height / 2.0);
    return out;
  }
};

std::string render(const line_chart& chart) {
  const xy_frame f(chart.width_px, chart.height_px);

  double max_value = 0.0;
  for (const auto& line : chart.lines)
    for (const double v : line.values)
      if (is_present(v)) max_value = std::max(max_value, v);
  const bool log_scale = chart.scale == y_scale::log1p;
  const std::vector<double> ticks = log_scale ? log1p_ticks(max_value) : linear_ticks(max_value);
  // Negative values are drawn at 0: the charted metrics (faults, thrash) are never negative.
  const auto transform = [&](double v) { return log_scale ? std::log10(1.0 + std::max(0.0, v)) : std::max(0.0, v); };
  const double top = transform(ticks.back());
  const auto y_of = [&](double v) { return f.plot_bottom - transform(v) / top * f.plot_height; };

  double x_min = chart.x.empty() ? 0.0 : chart.x.front();
  double x_max = chart.x.empty() ? 1.0 : chart.x.back();
  constexpr double x_inset = 14.0;  // keep the first and last markers off the axis line
  const auto x_of = [&](double v) {
    if (x_max <= x_min) return xy_frame::left + f.plot_width / 2.0;
    return xy_frame::left + x_inset + (v - x_min) / (x_max - x_min) * (f.plot_width - 2.0 * x_inset);
  };

  const double total_height = f.height + legend_height(chart.lines.size(), xy_frame::legend_columns);
  std::string out = open_svg(chart.width_px, total_height, chart.title);

  out += f.y_grid(ticks, y_of);
  // Label every x when they fit (budgets: 6 values), otherwise every k-th.
  const std::size_t label_every = std::max<std::size_t>(1, (chart.x.size() + 11) / 12);
  for (std::size_t i = 0; i < chart.x.size(); i += label_every) {
    const double x = x_of(chart.x[i]);
    out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>)", px(x), px(f.plot_bottom), px(x),
                       px(f.plot_bottom + 4.0), axis_colour);
    out += text_element(x, f.plot_bottom + 17.0, "middle", 11, x_value_label(chart.x[i]));
  }
  out += f.axes(chart.x_label, chart.y_label + (log_scale ? " (log scale)" : ""));

  for (std::size_t li = 0; li < chart.lines.size(); ++li) {
    const series& line = chart.lines[li];
    const std::string_view dash = dash_patterns[li % dash_patterns.size()];
    const std::string dash_attribute = dash.empty() ? std::string{} : fmt::format(R"( stroke-dasharray="{}")", dash);
    const std::size_t n = std::min(line.values.size(), chart.x.size());
    // One polyline per run of present values: a missing value is a gap, not a zero.
    std::string points;
    std::size_t run_length = 0;
    const auto flush_run = [&] {
      if (run_length >= 2)
        out += fmt::format(R"(<polyline fill="none" stroke="{}" stroke-width="2"{} points="{}"/>)", line.colour,
                           dash_attribute, points);
      points.clear();
      run_length = 0;
    };
    for (std::size_t i = 0; i < n; ++i) {
      if (!is_present(line.values[i])) {
        flush_run();
        continue;
      }
      if (!points.empty()) points += ' ';
      points += px(x_of(chart.x[i])) + "," + px(y_of(line.values[i]));
      ++run_length;
    }
    flush_run();
    for (std::size_t i = 0; i < n; ++i)
      if (is_present(line.values[i]))
        out += marker(marker_shapes[li % marker_shapes.size()], x_of(chart.x[i]), y_of(line.values[i]), line.colour);
  }

  out += legend(chart.lines, xy_frame::left, f.height, f.plot_width, xy_frame::legend_columns,
                [&](std::size_t i, double x, double y) {
                  const series& line = chart.lines[i];
                  const std::string_view dash = dash_patterns[i % dash_patterns.size()];
                  return fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2"{}/>)",
                                     px(x), px(y), px(x + 24.0), px(y), line.colour,
                                     dash.empty() ? std::string{} : fmt::format(R"( stroke-dasharray="{}")", dash)) +
                         marker(marker_shapes[i % marker_shapes.size()], x + 12.0, y, line.colour);
                });
  out += "</svg>";
  return out;
}

std::string render(const scatter_chart& chart) {
  const xy_frame f(chart.width_px, chart.height_px);
  constexpr double inset = 14.0;  // keep markers off the axis lines
  double x_max = 0.0;
  double y_max = 0.0;
  for (const auto& set : chart.sets) {
    for (const double v : set.x)
      if (is_present(v)) x_max = std::max(x_max, v);
    for (const double v : set.y)
      if (is_present(v)) y_max = std::max(y_max, v);
  }
  const std::vector<double> x_ticks = log1p_ticks(x_max);
  const std::vector<double> y_ticks = linear_ticks(y_max);
  const double x_top = std::log10(1.0 + x_ticks.back());
  const auto x_of = [&](double v) {
    return xy_frame::left + inset + std::log10(1.0 + std::max(0.0, v)) / x_top * (f.plot_width - 2.0 * inset);
  };
  const auto y_of = [&](double v) { return f.plot_bottom - std::max(0.0, v) / y_ticks.back() * (f.plot_height - inset); };

  std::vector<series> keys;
  for (const auto& set : chart.sets) keys.push_back({set.name, set.colour, {}});
  std::string out =
      open_svg(chart.width_px, f.height + legend_height(keys.size(), xy_frame::legend_columns), chart.title);
  out += f.y_grid(y_ticks, y_of);
  for (const double t : x_ticks) {
    const double x = x_of(t);
    out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>)", px(x), px(xy_frame::top), px(x),
                       px(f.plot_bottom), grid_colour);
    out += text_element(x, f.plot_bottom + 17.0, "middle", 11, x_value_label(t));
  }
  out += f.axes(chart.x_label + " (log scale)", chart.y_label);
  // Policies that coincide share a point: its label is written once.
  std::vector<std::tuple<std::string, double, double>> labelled;
  const auto already_labelled = [&](const std::string& label, double x, double y) {
    return std::any_of(labelled.begin(), labelled.end(), [&](const auto& l) {
      return std::get<0>(l) == label && std::abs(std::get<1>(l) - x) < 4.0 && std::abs(std::get<2>(l) - y) < 4.0;
    });
  };
  for (std::size_t si = 0; si < chart.sets.size(); ++si) {
    const scatter_series& set = chart.sets[si];
    const marker_shape shape = marker_shapes[si % marker_shapes.size()];
    for (std::size_t i = 0; i < std::min(set.x.size(), set.y.size()); ++i) {
      if (!is_present(set.x[i]) || !is_present(set.y[i])) continue;
      const double x = x_of(set.x[i]);
      const double y = y_of(set.y[i]);
      out += marker(shape, x, y, set.colour);
      if (i >= set.point_labels.size() || already_labelled(set.point_labels[i], x, y)) continue;
      out += text_element(x + 7.0, y - 5.0, "start", 10, set.point_labels[i]);
      labelled.emplace_back(set.point_labels[i], x, y);
    }
  }
  out += legend(keys, xy_frame::left, f.height, f.plot_width, xy_frame::legend_columns,
                [&](std::size_t i, double x, double y) {
                  return marker(marker_shapes[i % marker_shapes.size()], x + 12.0, y, keys[i].colour);
                });
  out += "</svg>";
  return out;
}

std::string render(const grouped_bar_chart& chart) {
  constexpr double margin_left = 58.0;
  constexpr double margin_right = 12.0;
  constexpr double margin_top = 34.0;
  constexpr double axis_area = 30.0;
  constexpr std::size_t legend_columns = 3;
  const double width = static_cast<double>(chart.width_px);
  const double frame_height = static_cast<double>(chart.height_px);
  const double plot_width = width - margin_left - margin_right;
  const double plot_height = frame_height - margin_top - axis_area;
  const double plot_bottom = margin_top + plot_height;

  double max_value = 0.0;
  for (const auto& group : chart.groups)
    for (const double v : group.values)
      if (is_present(v)) max_value = std::max(max_value, v);
  const std::vector<double> ticks = linear_ticks(max_value);
  const double top = ticks.back();
  const auto y_of = [&](double v) { return plot_bottom - std::max(0.0, v) / top * plot_height; };

  const double total_height = frame_height + legend_height(chart.groups.size(), legend_columns);
  std::string out = open_svg(chart.width_px, total_height, chart.title);
  const int decimals = tick_decimals(ticks);
  for (const double t : ticks) {
    const double y = y_of(t);
    out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>)", px(margin_left), px(y),
                       px(margin_left + plot_width), px(y), grid_colour);
    out += text_element(margin_left - 6.0, y + 4.0, "end", 11, fixed(t, decimals));
  }
  out += y_axis_label(chart.y_label, margin_top + plot_height / 2.0);

  const std::size_t category_count = std::max<std::size_t>(1, chart.categories.size());
  const std::size_t group_count = std::max<std::size_t>(1, chart.groups.size());
  const double category_px = plot_width / static_cast<double>(category_count);
  const double bar_px = category_px * 0.8 / static_cast<double>(group_count);
  for (std::size_t c = 0; c < chart.categories.size(); ++c) {
    const double category_left = margin_left + category_px * static_cast<double>(c) + category_px * 0.1;
    for (std::size_t g = 0; g < chart.groups.size(); ++g) {
      const series& group = chart.groups[g];
      if (c >= group.values.size() || !is_present(group.values[c])) continue;
      const double x = category_left + bar_px * static_cast<double>(g);
      const double y = y_of(group.values[c]);
      out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>)", px(x),
                         px(y), px(std::max(1.0, bar_px - 1.0)), px(plot_bottom - y), group.colour,
                         escape_text(group.name), fixed(group.values[c], chart.value_decimals));
      if (bar_px >= 14.0)
        out += text_element(x + bar_px / 2.0, y - 3.0, "middle", 9, fixed(group.values[c], chart.value_decimals));
    }
    out += text_element(margin_left + category_px * (static_cast<double>(c) + 0.5), plot_bottom + 17.0, "middle", 11,
                        chart.categories[c]);
  }
  out += fmt::format(R"(<path d="M{} {}V{}H{}" fill="none" stroke="{}"/>)", px(margin_left), px(margin_top),
                     px(plot_bottom), px(margin_left + plot_width), axis_colour);
  out += legend(chart.groups, margin_left, frame_height, plot_width, legend_columns,
                [&](std::size_t i, double x, double y) { return bar_swatch(chart.groups[i], x, y); });
  out += "</svg>";
  return out;
}

std::string render(const horizontal_bar_chart& chart) {
  constexpr double margin_top = 34.0;
  constexpr double margin_right = 64.0;  // room for the row total after the longest bar
  constexpr double row_px = 22.0;
  constexpr double bar_height_px = 14.0;
  constexpr double axis_area = 40.0;
  constexpr std::size_t legend_columns = 3;
  const double width = static_cast<double>(chart.width_px);

  std::size_t longest_label = 0;
  for (const auto& category : chart.categories) longest_label = std::max(longest_label, category.size());
  const double label_px = std::clamp(static_cast<double>(longest_label) * label_char_px + 12.0, 60.0, 240.0);
  const double plot_left = label_px;
  const double plot_width = width - plot_left - margin_right;
  const double plot_height = row_px * static_cast<double>(chart.categories.size());
  const double plot_bottom = margin_top + plot_height;

  std::vector<double> totals(chart.categories.size(), 0.0);
  std::vector<bool> any_present(chart.categories.size(), false);
  for (const auto& segment : chart.segments)
    for (std::size_t c = 0; c < totals.size() && c < segment.values.size(); ++c)
      if (is_present(segment.values[c])) {
        totals[c] += std::max(0.0, segment.values[c]);
        any_present[c] = true;
      }
  const double max_total = totals.empty() ? 0.0 : *std::max_element(totals.begin(), totals.end());
  const std::vector<double> ticks = linear_ticks(max_total);
  const double top = ticks.back();
  const auto x_of = [&](double v) { return plot_left + v / top * plot_width; };

  const bool with_legend = chart.show_legend && !chart.segments.empty();
  const double frame_height = plot_bottom + axis_area;
  const double total_height = frame_height + (with_legend ? legend_height(chart.segments.size(), legend_columns) : 0.0);
  std::string out = open_svg(chart.width_px, total_height, chart.title);

  const int decimals = tick_decimals(ticks);
  for (const double t : ticks) {
    const double x = x_of(t);
    out += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"/>)", px(x), px(margin_top), px(x),
                       px(plot_bottom), grid_colour);
    out += text_element(x, plot_bottom + 15.0, "middle", 11, fixed(t, decimals));
  }
  out += text_element(plot_left + plot_width / 2.0, plot_bottom + 32.0, "middle", 12, chart.x_label);

  for (std::size_t c = 0; c < chart.categories.size(); ++c) {
    const double row_top = margin_top + row_px * static_cast<double>(c);
    const double bar_top = row_top + (row_px - bar_height_px) / 2.0;
    out += text_element(plot_left - 6.0, row_top + row_px / 2.0 + 4.0, "end", 11, chart.categories[c]);
    double cursor = 0.0;
    for (const auto& segment : chart.segments) {
      if (c >= segment.values.size() || !is_present(segment.values[c]) || segment.values[c] <= 0.0) continue;
      const double value = segment.values[c];
      out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}: {}</title></rect>)",
                         px(x_of(cursor)), px(bar_top), px(x_of(cursor + value) - x_of(cursor)), px(bar_height_px),
                         segment.colour, escape_text(segment.name), fixed(value, chart.value_decimals));
      cursor += value;
    }
    out += text_element(x_of(cursor) + 4.0, row_top + row_px / 2.0 + 4.0, "start", 11,
                        any_present[c] ? fixed(totals[c], chart.value_decimals) : "n/a");
  }
  out += fmt::format(R"(<path d="M{} {}V{}H{}" fill="none" stroke="{}"/>)", px(plot_left), px(margin_top),
                     px(plot_bottom), px(plot_left + plot_width), axis_colour);
  if (with_legend)
    out += legend(chart.segments, 8.0, frame_height, width - 16.0, legend_columns,
                  [&](std::size_t i, double x, double y) { return bar_swatch(chart.segments[i], x, y); });
  out += "</svg>";
  return out;
}

}  // namespace clawvm::eval::svg
