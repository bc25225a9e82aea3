// The Prometheus text exposition format, version 0.0.4: escaping, number formatting, and the
// HELP/TYPE/sample lines of one family. Pure functions over the family's current values.
#pragma once

#include <string>

#include "common/metrics/counter.h"
#include "common/metrics/family.h"
#include "common/metrics/gauge.h"
#include "common/metrics/histogram.h"

namespace hvo::metrics {

// Label values: backslash, double quote and line feed become \\, \" and \n.
std::string escape_label_value(const std::string& value);
// HELP text: backslash and line feed become \\ and \n (quotes stay as they are).
std::string escape_help(const std::string& help);
// Shortest text that reads back as the same double; "+Inf", "-Inf" and "NaN" for the specials.
std::string format_value(double value);

// Appends "# HELP", "# TYPE" and one line per sample. A family without children writes nothing,
// as client_golang does, so a labelled family appears with its first series.
void write_family(std::string& out, const Family<Counter>& family);
void write_family(std::string& out, const Family<Gauge>& family);
void write_family(std::string& out, const Family<Histogram>& family);

}  // namespace hvo::metrics
