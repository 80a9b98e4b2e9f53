#pragma once
// The indicator kinds table's interface for the targets-file reader (the table itself, with each
// kind's measure, gap text and city rule, is in indicators.cpp).
#include <string>
#include <utility>

#include "coverage/analysis/indicators.hpp"

namespace lc::cov {

using KindRequirement = std::pair<const char*, const char*>;  // key, what is missing; key null = fine

bool is_indicator_kind(const std::string& kind);
std::string indicator_kind_names();  // "coverage_share, area_per_100_households, ..."
// What the indicator's kind requires of its keys (e.g. coverage_share needs minutes or metres).
KindRequirement check_indicator_kind(const Indicator& ind);

}  // namespace lc::cov
