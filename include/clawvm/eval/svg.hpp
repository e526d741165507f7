#pragma once
// Small inline-SVG chart helpers for the evaluation report (spec/report.md RPT-4).
//
// The output is an <svg> element meant to be pasted into an HTML5 page: no xmlns (the
// HTML parser does not need it, and the report must not contain any URL), no scripts,
// no external fonts. Every number is printed with a fixed precision, so the same chart
// is the same bytes on every machine (RPT-2). All text is escaped (RPT-3).

#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace clawvm::eval::svg {

// A value that is not there (a gap in a line, no bar). Inputs use NaN for it because a
// report document may hold `null` where a metric is undefined.
inline constexpr double missing_value = std::numeric_limits<double>::quiet_NaN();

// One named, coloured run of values: a line (one value per x) or a bar group / stacked
// segment (one value per category).
struct series {
  std::string name;
  std::string colour;  // CSS colour, e.g. "#0072B2"
  std::vector<double> values;
};

enum class y_scale {
  linear,
  log1p,  // y drawn at log10(1 + y): keeps 0 at the axis and separates 0, 1 and 60 faults
};

struct line_chart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<double> x;       // ascending
  std::vector<series> lines;   // each with x.size() values
  y_scale scale = y_scale::linear;
  int width_px = 558;
  int height_px = 300;         // of the plot frame; the legend adds rows below
};

struct grouped_bar_chart {
  std::string title;
  std::string y_label;
  std::vector<std::string> categories;  // along x
  std::vector<series> groups;           // one bar per category per group, side by side
  int value_decimals = 0;               // of the value printed above each bar
  int width_px = 558;
  int height_px = 280;
};

// Horizontal bars, one row per category. With one series these are plain bars; with
// several the series are stacked left to right (e.g. faults split by kind) and the row
// total is printed at the end of the bar.
struct horizontal_bar_chart {
  std::string title;
  std::string x_label;
  std::vector<std::string> categories;  // one row each, top to bottom
  std::vector<series> segments;
  int value_decimals = 0;
  int width_px = 558;
  bool show_legend = true;  // off when one series is self-explanatory
};

// Points in a plane: each series is one policy, each of its (x, y) pairs one marker with
// an optional label beside it (e.g. faults against cache-read share, one point per
// window). The x axis is log1p (faults: 0, 1 and 3 000 stay apart), the y axis linear.
struct scatter_series {
  std::string name;
  std::string colour;
  std::vector<double> x;
  std::vector<double> y;                    // same length as x
  std::vector<std::string> point_labels;    // empty, or one per point
};
struct scatter_chart {
  std::string title;
  std::string x_label;
  std::string y_label;
  std::vector<scatter_series> sets;
  int width_px = 558;
  int height_px = 300;
};

std::string render(const line_chart& chart);
std::string render(const scatter_chart& chart);
std::string render(const grouped_bar_chart& chart);
std::string render(const horizontal_bar_chart& chart);

// Escapes & < > " ' as entities and replaces control characters (other than tab and
// newline) by U+FFFD, so the text is safe in HTML/XML text and in quoted attributes.
std::string escape_text(std::string_view text);

// Fixed-precision decimal with no negative zero ("-0.0" would make equal charts differ).
std::string fixed(double value, int decimals);

// Axis ticks from 0 up to a "nice" value >= max_value (steps of 1, 2 or 5 times a power
// of ten, about `target_count` of them). max_value <= 0 gives [0, 1].
std::vector<double> linear_ticks(double max_value, int target_count = 5);
// Ticks for y_scale::log1p: 0, 1, 3, 10, 30, 100, ... up to the first >= max_value.
std::vector<double> log1p_ticks(double max_value);

}  // namespace clawvm::eval::svg
