#include "coverage/report/housing_table.hpp"

#include <sstream>

#include "coverage/report/tables.hpp"
#include "geo/output.hpp"

namespace lc::cov {

std::string development_note(const AnalysisResult::DevelopmentCheck& c, bool zh) {
    switch (c.status) {
        case Status::met: return zh ? "已达标" : "meets the rule";
        case Status::missed: {
            const std::string short_m2 = with_commas(c.required_m2 - c.provided_m2, 1);
            return zh ? "缺 " + short_m2 + " 平方米" : short_m2 + " m2 short";
        }
        case Status::no_data: return zh ? "无户数或配建面积数据" : "no households or no m2 provided";
        default: return zh ? "非考核年份新建" : "not new in the year judged";
    }
}

void write_housing_table(const std::string& outdir, const Study& s, const AnalysisResult& r) {
    if (!s.housing || r.housing.empty()) return;
    const std::vector<Indicator>& inds = indicators_of(r);
    const bool zh = s.project.lang == "zh";
    std::ostringstream csv;
    csv << "indicator_id,indicator,development_id,development,town_id,town_name,unit_id,built_year,households,provided_m2,required_m2,"
           "m2_per_100_households,status,note\n";
    bool any = false;
    for (size_t k : binding_first(inds)) {
        if (r.housing[k].empty()) continue;
        any = true;
        const Indicator& ind = inds[k];
        const geo::Layer& h = *s.housing;
        for (size_t i = 0; i < h.size(); ++i) {
            const auto& c = r.housing[k][i];
            const int t = s.housing_town[i].town, u = s.housing_unit.empty() ? -1 : s.housing_unit[i];
            const bool judged = c.status == Status::met || c.status == Status::missed;
            csv << ind.id << "," << csv_escape(ind.name(s.project.lang)) << ","
                << csv_escape(s.housing_id >= 0 ? h.text(i, s.housing_id) : std::to_string(h.fid[i])) << ","
                << csv_escape(s.housing_name >= 0 ? h.text(i, s.housing_name) : "") << "," << (t >= 0 ? csv_escape(s.town_set->id(t)) : "") << ","
                << (t >= 0 ? csv_escape(s.town_set->name(t)) : "") << "," << (u >= 0 ? csv_escape(s.unit_set->id(u)) : "") << ","
                << (s.housing_year[i] ? std::to_string(*s.housing_year[i]) : "") << ","
                << (s.housing_households[i] > 0 ? fixed(s.housing_households[i], 0) : "") << "," << (judged ? fixed(c.provided_m2, 1) : "") << ","
                << (judged ? fixed(c.required_m2, 1) : "") << "," << (judged ? fixed(100 * c.provided_m2 / c.households, 2) : "") << ","
                << (c.status == Status::no_target ? "not-judged" : to_string(c.status)) << "," << csv_escape(development_note(c, zh)) << "\n";
        }
    }
    if (any) geo::write_text_atomic(outdir + "/housing.csv", kUtf8Bom + csv.str());
}

}  // namespace lc::cov
