#pragma once
// The text outputs of analyze, one writer each, all written into the (staging) output folder:
// compliance.csv/json (every town x indicator, and the city), scenario_comparison.csv, report.md.
#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "coverage/analysis/analysis.hpp"
#include "coverage/study/text.hpp"

namespace lc::cov {

// Shared by the writers: a value rounded to d decimals (what tables and layers store), the
// decimals an indicator is shown with, and the order indicators are listed in (binding first,
// then as in the targets file).
inline double round_to(double v, int d) {
    const double k = std::pow(10.0, d);
    return std::round(v * k) / k;
}
// The indicators of a result (none without a targets file) and its circles as labels ("15").
inline const std::vector<Indicator>& indicators_of(const AnalysisResult& r) {
    static const std::vector<Indicator> none;
    return r.targets ? r.targets->indicators : none;
}
inline std::vector<std::string> circle_labels(const AnalysisResult& r) {
    std::vector<std::string> labels;
    for (double c : r.circles_min) labels.push_back(circle_label(c));
    return labels;
}
inline int decimals_for(const Indicator& ind) { return ind.unit == "share" ? 4 : 2; }
inline std::vector<size_t> binding_first(const std::vector<Indicator>& inds) {
    std::vector<size_t> order(inds.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return inds[a].binding > inds[b].binding; });
    return order;
}

void write_compliance_tables(const std::string& outdir, const Study& study, const TravelModel& travel, const AnalysisResult& result);
void write_scenario_comparison(const std::string& outdir, const Study& study, const AnalysisResult& result,
                               const AnalysisResult& baseline);
void write_summary_md(const std::string& outdir, const Study& study, const TravelModel& travel, const AnalysisResult& result);

}  // namespace lc::cov
