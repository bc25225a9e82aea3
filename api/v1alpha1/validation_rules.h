// Small checks the per-kind validators share. Each appends to `errors` when the value breaks
// the rule, naming `path`.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "api/k8s/field_error.h"
#include "api/k8s/quantity.h"

namespace hvo::api {

void check_range(std::int64_t value, std::int64_t min, std::int64_t max, const std::string& path,
                 k8s::FieldErrors& errors);
void check_positive(const k8s::Quantity& value, const std::string& path, k8s::FieldErrors& errors);
void check_not_negative(const k8s::Quantity& value, const std::string& path,
                        k8s::FieldErrors& errors);
void check_not_negative(std::int64_t value, const std::string& path, k8s::FieldErrors& errors);

// Adds "invalid value "x": <problem>" for each problem a names.h check returned.
void add_name_problems(const std::vector<std::string>& problems, const std::string& value,
                       const std::string& path, k8s::FieldErrors& errors);

// Reports the second and later occurrences: "<list>[i]: duplicate value "x"" (or with the
// key field appended, e.g. "spec.disks[2].name").
void check_unique(const std::vector<std::string>& values, const std::string& list_path,
                  const std::string& key_field, k8s::FieldErrors& errors);

// Hyper-V static MAC: six hex pairs separated by ':' or '-', or twelve hex digits, unicast.
void check_mac_address(std::string_view mac, const std::string& path, k8s::FieldErrors& errors);

// An https URL with a host and no query or fragment ("https://hv-01.example.com:9443").
void check_https_url(std::string_view url, const std::string& path, k8s::FieldErrors& errors);

// Object names Hyper-V and Windows accept as a VM name and folder: at most 100 characters, not
// a reserved device name (CON, PRN, AUX, NUL, COM1-9, LPT1-9, also before an extension).
void check_windows_name(std::string_view name, const std::string& path, k8s::FieldErrors& errors);

// Base image names (files on the hosts): 1..128 of [A-Za-z0-9._-], alphanumeric at both ends.
void check_image_name(std::string_view name, const std::string& path, k8s::FieldErrors& errors);

// Hyper-V virtual switch names: 1..100 of letters, digits, space and ._()-, starting with a
// letter or digit ("External Switch").
void check_switch_name(std::string_view name, const std::string& path, k8s::FieldErrors& errors);

}  // namespace hvo::api
