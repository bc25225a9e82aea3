#include "common/metrics/text_format.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <vector>

namespace hvo::metrics {
namespace {

// One extra label after the family's own: the "le" of a histogram bucket.
struct ExtraLabel {
  const char* name;
  std::string value;
};

void append_labels(std::string& out, const std::vector<std::string>& names,
                   const LabelValues& values, const ExtraLabel* extra = nullptr) {
  if (names.empty() && extra == nullptr) {
    return;
  }
  out += '{';
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out += names[i];
    out += "=\"";
    out += escape_label_value(values[i]);
    out += '"';
  }
  if (extra != nullptr) {
    if (!names.empty()) {
      out += ',';
    }
    out += extra->name;
    out += "=\"";
    out += extra->value;
    out += '"';
  }
  out += '}';
}

void append_sample(std::string& out, const std::string& name, const std::vector<std::string>& names,
                   const LabelValues& values, const std::string& value,
                   const ExtraLabel* extra = nullptr) {
  out += name;
  append_labels(out, names, values, extra);
  out += ' ';
  out += value;
  out += '\n';
}

template <typename Metric>
bool append_header(std::string& out, const Family<Metric>& family, const char* type) {
  if (family.size() == 0) {
    return false;
  }
  out += "# HELP " + family.name() + ' ' + escape_help(family.help()) + '\n';
  out += "# TYPE " + family.name() + ' ' + type + '\n';
  return true;
}

// Backslash and line feed always need escaping; double quotes only inside label values.
std::string escape(const std::string& text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string escape_label_value(const std::string& value) {
  return escape(value, true);
}

std::string escape_help(const std::string& help) {
  return escape(help, false);
}

std::string format_value(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  // The plain to_chars overload picks the shortest form that round-trips, like Go's
  // strconv.FormatFloat(v, 'g', -1, 64) that client_golang uses.
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  return std::string(buf, ec == std::errc() ? end : buf);
}

void write_family(std::string& out, const Family<Counter>& family) {
  if (!append_header(out, family, "counter")) {
    return;
  }
  family.for_each([&](const LabelValues& values, const Counter& counter) {
    append_sample(out, family.name(), family.label_names(), values, format_value(counter.value()));
  });
}

void write_family(std::string& out, const Family<Gauge>& family) {
  if (!append_header(out, family, "gauge")) {
    return;
  }
  family.for_each([&](const LabelValues& values, const Gauge& gauge) {
    append_sample(out, family.name(), family.label_names(), values, format_value(gauge.value()));
  });
}

void write_family(std::string& out, const Family<Histogram>& family) {
  if (!append_header(out, family, "histogram")) {
    return;
  }
  const std::string bucket_name = family.name() + "_bucket";
  family.for_each([&](const LabelValues& values, const Histogram& histogram) {
    const Histogram::Snapshot snap = histogram.snapshot();
    for (size_t i = 0; i < snap.cumulative_counts.size(); ++i) {
      const bool is_inf_bucket = i == snap.upper_bounds.size();
      const ExtraLabel le{"le", is_inf_bucket ? "+Inf" : format_value(snap.upper_bounds[i])};
      append_sample(out, bucket_name, family.label_names(), values,
                    std::to_string(snap.cumulative_counts[i]), &le);
    }
    append_sample(out, family.name() + "_sum", family.label_names(), values,
                  format_value(snap.sum));
    append_sample(out, family.name() + "_count", family.label_names(), values,
                  std::to_string(snap.count));
  });
}

}  // namespace hvo::metrics
