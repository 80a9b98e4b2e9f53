#include "coverage/report/compare.hpp"

#include <cpl_conv.h>
#include <ogrsf_frmts.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "base/error.hpp"
#include "coverage/report/workbook.hpp"
#include "coverage/report/words.hpp"
#include "coverage/study/project.hpp"
#include "coverage/study/text.hpp"
#include "geo/layer.hpp"
#include "geo/output.hpp"

namespace lc::cov {
namespace {

using json = nlohmann::json;

[[noreturn]] void bad_run(const std::string& file, const std::string& what) {
    throw base::UserError(file + ": " + what + " (compare reads the compliance.json that 'lifecircle analyze' writes)");
}

std::optional<double> number_or_null(const json& j, const char* key) {
    if (!j.contains(key) || j[key].is_null()) return std::nullopt;
    if (!j[key].is_number()) return std::nullopt;
    const double v = j[key].get<double>();
    return std::isfinite(v) ? std::optional<double>(v) : std::nullopt;
}

std::string text_or_empty(const json& j, const char* key) {
    return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

// Higher is better for >= and >, lower for <= and <; no direction otherwise.
int better_direction(const std::string& comparator) {
    if (comparator == ">=" || comparator == ">") return 1;
    if (comparator == "<=" || comparator == "<") return -1;
    return 0;
}

// Up to six decimals, trailing zeros dropped: 0.644313, 32, 1.5.
std::string plain_number(double v) {
    std::string s = fixed(v, 6);
    if (s.find('.') != std::string::npos) {
        while (!s.empty() && s.back() == '0') s.pop_back();
        if (!s.empty() && s.back() == '.') s.pop_back();
    }
    return s == "-0" ? "0" : s;
}

}  // namespace

Comparison compare_runs(const std::vector<std::string>& run_dirs) {
    if (run_dirs.size() < 2) throw base::UserError("compare needs at least two run folders (the --out folders of analyze runs)");
    Comparison c;
    std::map<std::string, size_t> indicator_index;
    std::map<std::pair<size_t, std::string>, size_t> row_index;  // (indicator, town id) -> row
    std::vector<json> docs;
    for (const std::string& dir : run_dirs) {
        const std::string file = (std::filesystem::path(dir) / "compliance.json").string();
        std::ifstream in(file);
        if (!in) bad_run(file, "cannot be read");
        json j;
        try {
            j = json::parse(in);
        } catch (const std::exception& e) {
            bad_run(file, std::string("not valid JSON: ") + e.what());
        }
        if (!j.is_object() || !j.contains("year") || !j["year"].is_number_integer()) bad_run(file, "no integer 'year'");
        if (!j.contains("indicators") || !j["indicators"].is_array()) bad_run(file, "no 'indicators' list");
        ComparedRun run;
        run.dir = dir;
        run.year = j["year"].get<int>();
        run.scenario = text_or_empty(j, "scenario");
        run.travel = text_or_empty(j, "travel");
        run.travel_zh = text_or_empty(j, "travel_zh");
        run.key = std::to_string(run.year) + (run.scenario.empty() || run.scenario == "existing" ? "" : "_" + run.scenario);
        for (const ComparedRun& other : c.runs)
            if (other.key == run.key) run.key += "_" + std::to_string(c.runs.size() + 1);
        c.runs.push_back(run);
        docs.push_back(std::move(j));
    }
    // Indicators and towns in first-seen order; each run fills its column.
    for (size_t r = 0; r < docs.size(); ++r) {
        const std::string file = (std::filesystem::path(run_dirs[r]) / "compliance.json").string();
        for (const json& ji : docs[r]["indicators"]) {
            const std::string id = text_or_empty(ji, "id");
            if (id.empty()) bad_run(file, "an indicator without an 'id'");
            auto [it, fresh] = indicator_index.try_emplace(id, c.indicators.size());
            if (fresh) {
                ComparedIndicator ind;
                ind.id = id;
                ind.name_zh = text_or_empty(ji, "name_zh");
                ind.name_en = text_or_empty(ji, "name_en");
                ind.unit = text_or_empty(ji, "unit");
                ind.kind = text_or_empty(ji, "kind");
                ind.binding = ji.contains("binding") && ji["binding"].is_boolean() && ji["binding"].get<bool>();
                c.indicators.push_back(ind);
            }
            const size_t k = it->second;
            const std::string comparator = text_or_empty(ji, "comparator");
            auto cell_of = [&](const std::string& town_id, const std::string& town_name) -> ComparedCell& {
                auto [rit, new_row] = row_index.try_emplace({k, town_id}, c.rows.size());
                if (new_row) {
                    ComparedRow row;
                    row.indicator = k;
                    row.town_id = town_id;
                    row.town_name = town_name;
                    row.cells.resize(c.runs.size());
                    c.rows.push_back(row);
                }
                return c.rows[rit->second].cells[r];
            };
            if (ji.contains("towns") && ji["towns"].is_array())
                for (const json& jt : ji["towns"]) {
                    ComparedCell& cell = cell_of(text_or_empty(jt, "town_id"), text_or_empty(jt, "town_name"));
                    cell.value = number_or_null(jt, "value");
                    cell.target = number_or_null(jt, "target");
                    cell.status = text_or_empty(jt, "status");
                    cell.comparator = comparator;
                    c.runs[r].met += cell.status == "met";
                    c.runs[r].missed += cell.status == "missed";
                }
            if (ji.contains("city") && ji["city"].is_object()) {
                const json& jc = ji["city"];
                ComparedCell& cell = cell_of("CITY", "");
                cell.value = number_or_null(jc, "pooled_value");
                cell.target = number_or_null(jc, "pooled_target");
                // The city's status: its share-of-towns target where it has one; in a year without
                // any target the pooled figure says so ("no-target", not "no-data").
                const std::string rollup = text_or_empty(jc, "rollup_status"), pooled = text_or_empty(jc, "pooled_status");
                cell.status = rollup.empty() || (rollup == "no-data" && pooled == "no-target") ? pooled : rollup;
                cell.comparator = comparator;
                cell.towns_met = number_or_null(jc, "towns_met");
                cell.towns_with_data = number_or_null(jc, "towns_with_data");
            }
        }
    }
    // The city row after the towns of its indicator: stable order by (indicator, city last).
    std::stable_sort(c.rows.begin(), c.rows.end(), [](const ComparedRow& a, const ComparedRow& b) {
        if (a.indicator != b.indicator) return a.indicator < b.indicator;
        return (a.town_id != "CITY") && (b.town_id == "CITY");
    });
    for (ComparedRow& row : c.rows) {
        // The value a trend follows: the indicator's own, or for a city row without a pooled
        // value the share of towns meeting their target (higher is better).
        bool by_share = row.town_id == "CITY";
        for (const ComparedCell& cell : row.cells) by_share = by_share && !cell.value;
        auto followed = [&](const ComparedCell& cell) -> std::optional<double> {
            if (!by_share) return cell.value;
            if (cell.towns_met && cell.towns_with_data && *cell.towns_with_data > 0) return *cell.towns_met / *cell.towns_with_data;
            return std::nullopt;
        };
        std::optional<double> first, last;
        size_t values = 0;
        int direction = by_share ? 1 : 0;
        for (const ComparedCell& cell : row.cells) {
            const std::optional<double> v = followed(cell);
            if (!v) continue;
            if (!first) first = v;
            last = v;
            ++values;
            if (!by_share && !cell.comparator.empty()) direction = better_direction(cell.comparator);
        }
        if (values == 0) row.trend = "no-data";
        else if (values == 1) row.trend = "single";
        else {
            const double d = *last - *first;
            if (!by_share) row.change = d;
            if (std::fabs(d) <= 1e-9 * std::max(1.0, std::fabs(*first))) row.trend = "unchanged";
            else if (direction == 0) row.trend = "changed";
            else row.trend = (d > 0) == (direction > 0) ? "improving" : "worsening";
        }
        for (size_t r = 1; r < row.cells.size(); ++r) {
            const std::string &before = row.cells[r - 1].status, &now = row.cells[r].status;
            if (before == "missed" && now == "met") row.newly_met.push_back(r);
            if (before == "met" && now == "missed") row.newly_missed.push_back(r);
        }
    }
    return c;
}

namespace {

// The reader-facing document, written once and rendered to Markdown and HTML.
struct Table {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
    std::vector<std::vector<std::string>> classes;  // per cell, HTML only ("" = none)
};
struct Block {
    int heading = 0;  // 1..3 = a heading of that level with `text`
    std::string text;  // heading or paragraph
    std::vector<std::string> items;  // a bullet list
    std::optional<Table> table;
};

const char* status_words(const std::string& status, const Tr& T) {
    if (status == "met") return status_text(Status::met, T);
    if (status == "missed") return status_text(Status::missed, T);
    if (status == "no-target") return status_text(Status::no_target, T);
    if (status == "absent") return T("本次无此项", "not in this run");
    return status_text(Status::no_data, T);
}

const char* trend_words(const std::string& trend, const Tr& T) {
    if (trend == "improving") return T("改善", "improving");
    if (trend == "worsening") return T("变差", "worsening");
    if (trend == "unchanged") return T("不变", "unchanged");
    if (trend == "changed") return T("有变化", "changed");
    if (trend == "single") return T("仅一次有值", "one run only");
    return T("无数据", "no data");
}

const char* status_class(const std::string& status) {
    if (status == "met") return "met";
    if (status == "missed") return "missed";
    return "nodata";
}

// A run as a reader names it: its year, and the facility set where it is not today's.
std::string run_label(const ComparedRun& r, const Tr& T) {
    std::string label = std::to_string(r.year);
    if (r.scenario.empty() || r.scenario == "existing") return label;
    if (r.scenario == "planned_" + label) return label + T("（含规划）", " (with planned)");
    if (r.scenario.rfind("planned_", 0) == 0)
        return label + T("（含规划至", " (with facilities planned to ") + r.scenario.substr(8) + T("年）", ")");
    return label + " (" + r.scenario + ")";
}

std::string scenario_words(const ComparedRun& r, const Tr& T) { return builtin_word(r.scenario, T.zh ? "zh" : "en"); }

std::vector<Block> document(const Comparison& c, const Tr& T) {
    std::vector<Block> doc;
    std::vector<std::string> labels;
    for (const ComparedRun& r : c.runs) labels.push_back(run_label(r, T));
    auto city_value = [&](const ComparedIndicator& ind, const ComparedCell& cell) {
        if (cell.value || !cell.towns_with_data || !(*cell.towns_with_data > 0))
            return cell.value ? value_text(ind.unit, *cell.value) : std::string("—");
        return with_commas(cell.towns_met.value_or(0)) + "/" + with_commas(*cell.towns_with_data) + T(" 镇街达标", " towns met");
    };
    auto name_of = [&](const ComparedIndicator& ind) {
        const std::string& n = T.zh ? ind.name_zh : ind.name_en;
        return n.empty() ? (T.zh ? ind.name_en : ind.name_zh) : n;
    };
    auto town_of = [&](const ComparedRow& row) { return row.town_id == "CITY" ? std::string(T("全市", "City")) : row.town_name; };
    auto value_of = [&](const ComparedIndicator& ind, const std::optional<double>& v) {
        return v ? value_text(ind.unit, *v) : std::string("—");
    };
    doc.push_back({1, T("规划监测：各次运行对比", "Plan monitoring: runs side by side"), {}, {}});
    doc.push_back({0,
                   T("每次运行按其年份的目标评判（目标自其年份起有效，至下一个目标年份为止）。趋势比较第一次与最后一次有数值的运行；"
                     "“新达标”“新未达标”比较相邻两次运行。",
                     "Each run is judged against the targets of its own year (a target holds from its year until the next). "
                     "The trend compares the first and the last run with a value; newly met and newly missed compare each run "
                     "with the one before it."),
                   {}, {}});
    Table runs{{T("运行", "run"), T("年份", "year"), T("设施方案", "facility set"), T("出行方式", "travel"),
                T("达标（镇街×指标）", "met (town × indicator)"), T("未达标", "missed"), T("文件夹", "folder")},
               {}, {}};
    for (size_t k = 0; k < c.runs.size(); ++k)
        runs.rows.push_back({labels[k], std::to_string(c.runs[k].year), scenario_words(c.runs[k], T),
                             T.zh && !c.runs[k].travel_zh.empty() ? c.runs[k].travel_zh : c.runs[k].travel,
                             with_commas(static_cast<double>(c.runs[k].met)), with_commas(static_cast<double>(c.runs[k].missed)),
                             std::filesystem::path(c.runs[k].dir).lexically_normal().filename().string()});
    doc.push_back({2, T("运行", "Runs"), {}, {}});
    doc.push_back({0, "", {}, runs});

    // The mid-term review table: the city's value and its year's target, run by run.
    Table city;
    city.header = {T("指标", "indicator"), T("单位", "unit")};
    for (const std::string& label : labels) {
        city.header.push_back(label + " " + T("数值", "value"));
        city.header.push_back(label + " " + T("目标", "target"));
    }
    city.header.push_back(T("趋势", "trend"));
    for (const ComparedRow& row : c.rows) {
        if (row.town_id != "CITY") continue;
        const ComparedIndicator& ind = c.indicators[row.indicator];
        std::vector<std::string> cells{name_of(ind), unit_text(ind.unit, T)};
        std::vector<std::string> cls{"", ""};
        for (const ComparedCell& cell : row.cells) {
            cells.push_back(city_value(ind, cell) + (cell.status == "absent" ? "" : " (" + std::string(status_words(cell.status, T)) + ")"));
            cls.push_back(status_class(cell.status));
            cells.push_back(cell.target ? (cell.comparator.empty() ? "" : cell.comparator + " ") + value_text(ind.unit, *cell.target) : "—");
            cls.push_back("");
        }
        cells.push_back(trend_words(row.trend, T));
        cls.push_back(row.trend);
        city.rows.push_back(cells);
        city.classes.push_back(cls);
    }
    doc.push_back({2, T("全市（中期评估格式）", "City-wide (the mid-term review layout)"), {}, {}});
    doc.push_back({0,
                   T("全市数值为各镇街合并计算（如覆盖率按总户数）；以达标镇街比例为目标的指标，状态按该比例判断。",
                     "City values are pooled over the towns (coverage over all households, say); where the city target is a "
                     "share of towns meeting theirs, the status follows that share."),
                   {}, {}});
    doc.push_back({0, "", {}, city});

    // What changed between consecutive runs.
    doc.push_back({2, T("变化", "What changed"), {}, {}});
    for (size_t r = 1; r < c.runs.size(); ++r) {
        doc.push_back({3, labels[r - 1] + " → " + labels[r], {}, {}});
        std::vector<std::string> met, missed;
        for (const ComparedRow& row : c.rows) {
            const ComparedIndicator& ind = c.indicators[row.indicator];
            auto shown = [&](const ComparedCell& cell) { return row.town_id == "CITY" ? city_value(ind, cell) : value_of(ind, cell.value); };
            auto target = [&](const ComparedCell& cell) {
                return cell.target ? (cell.comparator.empty() ? "" : cell.comparator + " ") + value_text(ind.unit, *cell.target) : std::string("—");
            };
            const ComparedCell &before = row.cells[r - 1], &now = row.cells[r];
            std::string line = town_of(row) + T("：", ": ") + name_of(ind) + T("（", " (") + shown(before) + " → " + shown(now);
            if (target(before) != target(now)) line += std::string(T("；目标 ", "; target ")) + target(before) + " → " + target(now);
            line += T("）", ")");
            for (size_t k : row.newly_met)
                if (k == r) met.push_back(line);
            for (size_t k : row.newly_missed)
                if (k == r) missed.push_back(line);
        }
        if (met.empty() && missed.empty()) {
            doc.push_back({0, T("没有镇街或指标改变达标状态。", "No town or indicator changed between met and missed."), {}, {}});
            continue;
        }
        doc.push_back({0, std::string(T("新达标：", "Newly met: ")) + with_commas(static_cast<double>(met.size())), met, {}});
        doc.push_back({0, std::string(T("新未达标：", "Newly missed: ")) + with_commas(static_cast<double>(missed.size())), missed, {}});
    }

    // Town by town, indicator by indicator.
    doc.push_back({2, T("各镇街", "Town by town"), {}, {}});
    for (size_t k = 0; k < c.indicators.size(); ++k) {
        const ComparedIndicator& ind = c.indicators[k];
        const std::string unit = unit_text(ind.unit, T);
        doc.push_back({3, name_of(ind) + (unit.empty() ? "" : T("（", " (") + unit + T("）", ")")), {}, {}});
        Table t;
        t.header = {T("镇街", "town")};
        for (const std::string& label : labels) t.header.push_back(label);
        t.header.push_back(T("趋势", "trend"));
        for (const ComparedRow& row : c.rows) {
            if (row.indicator != k) continue;
            std::vector<std::string> cells{town_of(row)}, cls{""};
            for (const ComparedCell& cell : row.cells) {
                cells.push_back((row.town_id == "CITY" ? city_value(ind, cell) : value_of(ind, cell.value)) + (cell.status == "absent" ? "" : " (" + std::string(status_words(cell.status, T)) + ")"));
                cls.push_back(status_class(cell.status));
            }
            cells.push_back(trend_words(row.trend, T));
            cls.push_back(row.trend);
            t.rows.push_back(cells);
            t.classes.push_back(cls);
        }
        doc.push_back({0, "", {}, t});
    }
    return doc;
}

std::string md_cell(const std::string& s) {
    std::string o;
    for (char ch : s) o += ch == '|' ? std::string("\\|") : std::string(1, ch);
    return o;
}

std::string render_markdown(const std::vector<Block>& doc) {
    std::ostringstream md;
    for (const Block& b : doc) {
        if (b.heading) md << std::string(static_cast<size_t>(b.heading), '#') << " " << b.text << "\n\n";
        else if (!b.text.empty()) md << b.text << "\n\n";
        for (const auto& item : b.items) md << "- " << md_cell(item) << "\n";
        if (!b.items.empty()) md << "\n";
        if (b.table) {
            md << "|";
            for (const auto& h : b.table->header) md << " " << md_cell(h) << " |";
            md << "\n|";
            for (size_t i = 0; i < b.table->header.size(); ++i) md << "---|";
            md << "\n";
            for (const auto& row : b.table->rows) {
                md << "|";
                for (const auto& cell : row) md << " " << md_cell(cell) << " |";
                md << "\n";
            }
            md << "\n";
        }
    }
    return md.str();
}

std::string render_html(const std::vector<Block>& doc, const std::string& lang) {
    std::ostringstream h;
    h << "<!DOCTYPE html>\n<html lang=\"" << (lang == "zh" ? "zh-CN" : "en") << "\">\n<head>\n<meta charset=\"utf-8\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>" << markup_escape(doc.front().text)
      << "</title>\n<style>\n"
         "body{font-family:system-ui,'Noto Sans CJK SC','WenQuanYi Micro Hei',sans-serif;margin:1.5rem auto;max-width:80rem;padding:0 1rem;color:#222}\n"
         ".wrap{overflow-x:auto;margin-bottom:1.5rem}\n"
         "table{border-collapse:collapse;font-size:.9rem}\n"
         "th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left;vertical-align:top}\n"
         "th{background:#f3f3f3;position:sticky;top:0}\n"
         "td:first-child,th:first-child{position:sticky;left:0;background:#fff;min-width:6rem}\n"
         "th:first-child{background:#f3f3f3}\n"
         "td.met{background:#e4f4e4}td.missed{background:#fbe3e0}td.nodata{color:#777}\n"
         "td.improving{color:#1a7f37}td.worsening{color:#b42318}\n"
         "@media print{.wrap{overflow:visible}th{position:static}td:first-child,th:first-child{position:static}}\n"
         "</style>\n</head>\n<body>\n";
    for (const Block& b : doc) {
        if (b.heading) h << "<h" << b.heading << ">" << markup_escape(b.text) << "</h" << b.heading << ">\n";
        else if (!b.text.empty()) h << "<p>" << markup_escape(b.text) << "</p>\n";
        if (!b.items.empty()) {
            h << "<ul>\n";
            for (const auto& item : b.items) h << "<li>" << markup_escape(item) << "</li>\n";
            h << "</ul>\n";
        }
        if (b.table) {
            h << "<div class=\"wrap\"><table>\n<thead><tr>";
            for (const auto& c : b.table->header) h << "<th>" << markup_escape(c) << "</th>";
            h << "</tr></thead>\n<tbody>\n";
            for (size_t r = 0; r < b.table->rows.size(); ++r) {
                h << "<tr>";
                for (size_t k = 0; k < b.table->rows[r].size(); ++k) {
                    const std::string cls = r < b.table->classes.size() && k < b.table->classes[r].size() ? b.table->classes[r][k] : "";
                    h << "<td" << (cls.empty() ? "" : " class=\"" + cls + "\"") << ">" << markup_escape(b.table->rows[r][k]) << "</td>";
                }
                h << "</tr>\n";
            }
            h << "</tbody></table></div>\n";
        }
    }
    h << "</body>\n</html>\n";
    return h.str();
}

std::string column_key(const std::string& label) {
    std::string k;
    for (char ch : label) k += (std::isalnum(static_cast<unsigned char>(ch)) || ch == '_') ? ch : '_';
    while (k.find("__") != std::string::npos) k.replace(k.find("__"), 2, "_");
    while (!k.empty() && k.back() == '_') k.pop_back();
    return k;
}

std::string run_list(const Comparison& c, const std::vector<size_t>& runs) {
    std::string s;
    for (size_t r : runs) s += (s.empty() ? "" : "; ") + c.runs[r].key;
    return s;
}

void write_csv(const std::string& outdir, const Comparison& c, const Tr& T) {
    std::ostringstream csv;
    csv << kUtf8Bom << "indicator_id,indicator,unit,town_id,town_name";
    for (const ComparedRun& r : c.runs) {
        const std::string k = column_key(r.key);
        csv << ",value_" << k << ",target_" << k << ",status_" << k;
    }
    csv << ",change,trend,newly_met,newly_missed\n";
    for (const ComparedRow& row : c.rows) {
        const ComparedIndicator& ind = c.indicators[row.indicator];
        csv << ind.id << "," << csv_escape(T.zh ? ind.name_zh : ind.name_en) << "," << ind.unit << "," << csv_escape(row.town_id) << ","
            << csv_escape(row.town_id == "CITY" ? T("全市", "City") : row.town_name);
        for (const ComparedCell& cell : row.cells)
            csv << "," << (cell.value ? plain_number(*cell.value) : "") << "," << (cell.target ? plain_number(*cell.target) : "") << ","
                << cell.status;
        csv << "," << (row.change ? plain_number(*row.change) : "") << "," << row.trend << "," << csv_escape(run_list(c, row.newly_met)) << ","
            << csv_escape(run_list(c, row.newly_missed)) << "\n";
    }
    geo::write_text_atomic(outdir + "/compare.csv", csv.str());
}

void write_xlsx(const std::string& outdir, const Comparison& c, const Tr& T) {
    const std::string raw = outdir + "/.compare.raw.xlsx", path = outdir + "/compare.xlsx";
    GDALDataset* ds = create_workbook(raw, path);
    OGRLayer* l = ds->CreateLayer(T("监测对比", "comparison"), nullptr, wkbNone, nullptr);
    std::vector<std::pair<std::string, OGRFieldType>> cols = {
        {T("指标", "indicator"), OFTString}, {T("单位", "unit"), OFTString}, {T("镇街代码", "town code"), OFTString}, {T("镇街", "town"), OFTString}};
    for (const ComparedRun& r : c.runs) {
        const std::string label = run_label(r, T);
        cols.push_back({label + " " + T("数值", "value"), OFTReal});
        cols.push_back({label + " " + T("目标", "target"), OFTReal});
        cols.push_back({label + " " + T("状态", "status"), OFTString});
    }
    for (const char* name : {T("变化", "change")}) cols.push_back({name, OFTReal});
    for (const char* name : {T("趋势", "trend"), T("新达标", "newly met"), T("新未达标", "newly missed")}) cols.push_back({name, OFTString});
    bool ok = l != nullptr;
    for (const auto& [name, type] : cols) {
        OGRFieldDefn fd(name.c_str(), type);
        ok = ok && l->CreateField(&fd) == OGRERR_NONE;
    }
    for (const ComparedRow& row : c.rows) {
        if (!ok) break;
        const ComparedIndicator& ind = c.indicators[row.indicator];
        OGRFeature* f = OGRFeature::CreateFeature(l->GetLayerDefn());
        int i = 0;
        f->SetField(i++, (T.zh ? ind.name_zh : ind.name_en).c_str());
        f->SetField(i++, unit_text(ind.unit, T).c_str());
        f->SetField(i++, row.town_id == "CITY" ? "" : row.town_id.c_str());
        f->SetField(i++, row.town_id == "CITY" ? T("全市", "City") : row.town_name.c_str());
        for (const ComparedCell& cell : row.cells) {
            if (cell.value) f->SetField(i, *cell.value);
            ++i;
            if (cell.target) f->SetField(i, *cell.target);
            ++i;
            f->SetField(i++, status_words(cell.status, T));
        }
        if (row.change) f->SetField(i, *row.change);
        ++i;
        f->SetField(i++, trend_words(row.trend, T));
        for (const auto* runs : {&row.newly_met, &row.newly_missed}) {
            std::string names;
            for (size_t r : *runs) names += (names.empty() ? "" : T("；", "; ")) + run_label(c.runs[r], T);
            f->SetField(i++, names.c_str());
        }
        ok = l->CreateFeature(f) == OGRERR_NONE;
        OGRFeature::DestroyFeature(f);
    }
    finish_workbook(ds, raw, path, ok);
}

}  // namespace

void write_comparison(const std::string& outdir, const Comparison& c, const std::string& lang) {
    const Tr T{lang == "zh"};
    write_csv(outdir, c, T);
    write_xlsx(outdir, c, T);
    const std::vector<Block> doc = document(c, T);
    geo::write_text_atomic(outdir + "/compare.md", render_markdown(doc));
    geo::write_text_atomic(outdir + "/compare.html", render_html(doc, lang));
}

}  // namespace lc::cov
