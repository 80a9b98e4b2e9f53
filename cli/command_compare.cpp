// lifecircle compare: several analyze runs (plan years, scenarios) side by side, for the plan's
// annual monitoring and its mid-term and final reviews.
#include <cstdio>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "coverage/report/compare.hpp"
#include "geo/output.hpp"

namespace lc::cli {
namespace {

class CompareCommand : public Command {
public:
    const char* name() const override { return "compare"; }
    const char* description() const override {
        return "Put several analyze runs side by side (e.g. one per plan year: analyze --year 2021 --out runs/2021, ...): "
               "indicator by town by run, the trend, what became met or missed between consecutive runs, and the city-wide "
               "table of the mid-term review (each run's value against its year's target). Writes compare.csv, "
               "compare.xlsx, compare.md and compare.html.";
    }
    void setup(CLI::App& app) override {
        app.add_option("runs", runs_, "Output folders of analyze runs, in the order to show them (at least two)")->required()->expected(2, -1);
        app.add_option("-o,--out", out_, "Output folder")->required();
        app.add_option("--lang", lang_, "Language of the tables and the report (default zh) and of the printed messages (default en): zh or en")->check(CLI::IsMember({"zh", "en"}));
    }
    int run() override {
        if (!lang_.empty()) set_language(lang_);  // printed messages: English unless asked, as before
        const cov::Comparison c = cov::compare_runs(runs_);
        geo::OutputDir staged(out_);
        cov::write_comparison(staged.path(), c, lang_.empty() ? "zh" : lang_);
        staged.commit();
        size_t met = 0, missed = 0;
        for (const auto& row : c.rows) {
            for (size_t r : row.newly_met) met += r > 0 && row.town_id != "CITY";
            for (size_t r : row.newly_missed) missed += r > 0 && row.town_id != "CITY";
        }
        LC_PRINTF("%zu runs, %zu indicators: %zu town-indicator pairs became met and %zu became missed between consecutive runs\n",
                  "%zu 次运行，%zu 个指标：相邻两次运行之间 %zu 个镇街-指标变为达标，%zu 个变为未达标\n", c.runs.size(), c.indicators.size(), met, missed);
        LC_PRINTF("outputs in %s: compare.csv compare.xlsx compare.md compare.html\n", "结果在 %s：compare.csv compare.xlsx compare.md compare.html\n", out_.c_str());
        return ok;
    }

private:
    std::vector<std::string> runs_;
    std::string out_, lang_;
};

}  // namespace

std::unique_ptr<Command> make_compare_command() { return std::make_unique<CompareCommand>(); }

}  // namespace lc::cli
