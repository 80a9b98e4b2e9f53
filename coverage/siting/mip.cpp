// Exact siting via COIN-OR CBC: MCLP and LSCP models, and the shared CBC call.
#include "coverage/siting/siting.hpp"
#include "coverage/siting/internal.hpp"

#include <CbcModel.hpp>
#include <CbcSolver.hpp>
#include <CoinPackedMatrix.hpp>
#include <OsiClpSolverInterface.hpp>

#include <algorithm>
#include <cmath>
#include <mutex>

namespace lc::cov {

using namespace detail;

namespace detail {

MipOutcome solve_mip(const MipModel& m, double time_limit_s) {
    MipOutcome out;
    const int ncol = int(m.obj.size()), nrow = int(m.row_lb.size());
    if (ncol == 0) {
        out.has_solution = out.proven_optimal = true;
        return out;
    }
    CoinPackedMatrix mat(true, m.t_row.data(), m.t_col.data(), m.t_val.data(),
                         CoinBigIndex(m.t_val.size()));
    mat.setDimensions(nrow, ncol); // trailing empty rows/columns
    OsiClpSolverInterface solver;
    solver.loadProblem(mat, m.col_lb.data(), m.col_ub.data(), m.obj.data(), m.row_lb.data(),
                       m.row_ub.data());
    for (int j = 0; j < ncol; ++j)
        if (m.integer[j]) solver.setInteger(j);
    solver.messageHandler()->setLogLevel(0);
    CbcModel model(solver);
    model.setLogLevel(0);
    if (!m.start.empty()) {
        double v = 0;
        for (int j = 0; j < ncol; ++j) v += m.obj[j] * m.start[j];
        model.setBestSolution(m.start.data(), ncol, v, true);
    }
    // CbcMain0/1 give CBC's standard cuts and heuristics (a bare branchAndBound has none). The
    // driver keeps global state, hence one solve at a time.
    static std::mutex cbc_mutex;
    std::lock_guard<std::mutex> lock(cbc_mutex);
    CbcSolverUsefulData data;
    data.noPrinting_ = true;
    CbcMain0(model, data);
    const std::string seconds = std::to_string(std::max(0.1, time_limit_s));
    const char* argv[] = {"lifecircle", "-log", "0", "-slog", "0", "-sec", seconds.c_str(), "-solve", "-quit"};
    CbcMain1(int(std::size(argv)), argv, model, [](CbcModel*, int) { return 0; }, data);

    const bool timed_out = model.isSecondsLimitReached();
    out.bound = model.getBestPossibleObjValue();
    if (const double* x = model.bestSolution()) {
        out.has_solution = true;
        out.x.assign(x, x + ncol);
        out.objective = model.getObjValue();
    }
    out.proven_infeasible = !out.has_solution && !timed_out && model.isProvenInfeasible();
    // CBC has been seen to flag optimality when the time limit struck early, so the bound must
    // agree too. With an integral objective CBC proves optimality once the gap is below 1.
    bool integral = true;
    for (int j = 0; j < ncol && integral; ++j)
        integral = m.integer[j] ? m.obj[j] == std::round(m.obj[j]) : m.obj[j] == 0;
    const double slack = 1e-6 * std::max(1.0, std::abs(out.objective)) + (integral ? 1.0 - 1e-6 : 0.0);
    out.proven_optimal = out.has_solution && !timed_out && model.isProvenOptimal() &&
                         out.objective - out.bound <= slack;
    if (timed_out) out.message = "CBC stopped at the time limit";
    return out;
}

// Group rows for the per-group limits that bind.
void add_group_rows(const SitingProblem& p, const Limits& lim, MipModel& M) {
    std::vector<uint32_t> available(p.group_count, 0);
    for (uint32_t g : p.candidate_group) ++available[g];
    std::vector<int> row(p.group_count, -1);
    for (uint32_t g = 0; g < p.group_count; ++g)
        if (lim.min[g] > 0 || lim.max[g] < available[g]) row[g] = M.add_row(lim.min[g], lim.max[g]);
    for (uint32_t j = 0; j < p.candidate_count; ++j)
        if (row[p.candidate_group[j]] >= 0) M.set(row[p.candidate_group[j]], int(j), 1.0);
}

} // namespace detail

namespace {

double relative_gap(double objective, double bound) {
    const double d = std::abs(bound - objective);
    if (d <= 1e-12 * std::max(1.0, std::abs(objective))) return 0.0;
    return d / std::max(std::abs(objective), 1e-12);
}

std::vector<uint32_t> chosen_from(const MipOutcome& o, uint32_t m) {
    std::vector<uint32_t> S;
    for (uint32_t j = 0; j < m; ++j)
        if (o.x[j] > 0.5) S.push_back(j);
    return S;
}

void describe_outcome(const MipOutcome& o, SitingResult& r) {
    if (!o.proven_optimal)
        append_message(r, (o.message.empty() ? std::string("CBC did not prove optimality") : o.message) +
                              (std::isnan(r.gap) ? "" : "; gap " + std::to_string(100 * r.gap) + "%"));
}

} // namespace

SitingResult solve_mclp_exact(const SitingProblem& p, const SitingOptions& opt) {
    Stopwatch clock;
    SitingResult r = start_result(p, "mclp", "cbc");
    if (r.status == SitingStatus::invalid) return r;
    if (opt.use_capacity && !p.candidate_capacity.empty())
        append_message(r, "exact MCLP ignores capacities (plain coverage)");
    const Baseline b = make_baseline(p);
    const Limits lim = normalize_limits(p, opt, opt.k);
    append_message(r, lim.note);
    if (lim.partial) r.status = SitingStatus::partial;

    // Start from the heuristic so CBC never returns less than greedy+swap.
    SitingOptions hopt = opt;
    hopt.use_capacity = false, hopt.swap = true;
    const SitingResult heur = solve_mclp(p, hopt);

    // max sum w_i y_i  s.t.  y_i <= sum_{j covers i} x_j,  sum x_j <= K,  group limits.
    MipModel M;
    const uint32_t m = p.candidate_count;
    for (uint32_t j = 0; j < m; ++j) M.add_col(0, 1, 0, true);
    std::vector<int> row_of(p.demand_count, -1), col_of(p.demand_count, -1);
    for (uint32_t i = 0; i < p.demand_count; ++i) {
        if (b.covered0[i] || !b.reachable[i] || p.demand_weight[i] <= 0) continue;
        col_of[i] = M.add_col(0, 1, -p.demand_weight[i], false);
        row_of[i] = M.add_row(-COIN_DBL_MAX, 0);
        M.set(row_of[i], col_of[i], 1.0);
    }
    for (uint32_t j = 0; j < m; ++j)
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e)
            if (const int row = row_of[p.cover_demand[e]]; row >= 0) M.set(row, int(j), -1.0);
    const int card = M.add_row(-COIN_DBL_MAX, lim.k);
    for (uint32_t j = 0; j < m; ++j) M.set(card, int(j), 1.0);
    add_group_rows(p, lim, M);
    M.start.assign(M.obj.size(), 0.0);
    for (uint32_t j : heur.chosen) {
        M.start[j] = 1;
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e)
            if (const int c = col_of[p.cover_demand[e]]; c >= 0) M.start[size_t(c)] = 1;
    }

    const MipOutcome o = solve_mip(M, opt.mip_time_limit_s);
    r.chosen = o.has_solution ? chosen_from(o, m) : heur.chosen;
    r.chosen = rank_by_coverage(p, b, r.chosen);
    fill_coverage(p, b, r);
    trim_useless(p, b, lim, r);
    r.objective = r.cumulative.empty() ? 0.0 : r.cumulative.back();
    if (r.objective < heur.objective) { // only if CBC lost the start solution
        r.chosen = heur.chosen;
        fill_coverage(p, b, r);
        r.objective = heur.objective;
    }
    r.proven_optimal = o.proven_optimal;
    r.bound = std::max(r.objective, -o.bound);
    if (r.proven_optimal) r.bound = r.objective;
    r.gap = relative_gap(r.objective, r.bound);
    describe_outcome(o, r);
    r.seconds = clock.seconds();
    return r;
}

SitingResult solve_lscp_exact(const SitingProblem& p, const SitingOptions& opt) {
    Stopwatch clock;
    SitingResult r = start_result(p, "lscp", "cbc");
    if (r.status == SitingStatus::invalid) return r;
    const Baseline b = make_baseline(p);
    const Limits lim = normalize_limits(p, opt, kNone);
    append_message(r, lim.note);
    if (lim.partial) r.status = SitingStatus::partial;
    std::string note;
    r.group_target = group_targets(p, b, opt, note);
    append_message(r, note);
    const uint32_t G = p.group_count, m = p.candidate_count;
    std::vector<double> need(G);
    for (uint32_t g = 0; g < G; ++g) need[g] = std::max(0.0, r.group_target[g] - b.g_before[g]);

    // Does a plan reach every group's target (on the exact weights)?
    auto meets = [&](const std::vector<uint32_t>& S) {
        std::vector<double> have(G, 0);
        CoverState st(p, b);
        for (uint32_t j : S) {
            for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
                const uint32_t i = p.cover_demand[e];
                if (st.cnt[i] == 0) have[p.demand_group[i]] += p.demand_weight[i];
            }
            st.add(j);
        }
        for (uint32_t g = 0; g < G; ++g)
            if (have[g] < need[g] - 100 * b.tol) return false;
        return true;
    };
    const SitingResult heur = solve_lscp(p, opt);
    const bool heur_ok = meets(heur.chosen);

    // min sum x_j. A group that must reach all its coverable weight gets one covering row per
    // point (much tighter); other groups get sum w_i y_i >= need with y_i <= sum x_j.
    MipModel M;
    for (uint32_t j = 0; j < m; ++j) M.add_col(0, 1, 1, true);
    std::vector<int> row_of(p.demand_count, -1), col_of(p.demand_count, -1);
    std::vector<int> group_row(G, -1);
    for (uint32_t g = 0; g < G; ++g) {
        if (need[g] <= b.tol) continue;
        const bool full = r.group_target[g] >= b.g_coverable[g] - b.tol;
        if (!full) group_row[g] = M.add_row(need[g], COIN_DBL_MAX);
    }
    for (uint32_t i = 0; i < p.demand_count; ++i) {
        const uint32_t g = p.demand_group[i];
        if (need[g] <= b.tol || b.covered0[i] || !b.reachable[i] || p.demand_weight[i] <= 0) continue;
        if (group_row[g] < 0) {
            row_of[i] = M.add_row(1, COIN_DBL_MAX);
        } else {
            col_of[i] = M.add_col(0, 1, 0, false);
            row_of[i] = M.add_row(-COIN_DBL_MAX, 0);
            M.set(row_of[i], col_of[i], 1.0);
            M.set(group_row[g], col_of[i], p.demand_weight[i]);
        }
    }
    for (uint32_t j = 0; j < m; ++j)
        for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e) {
            const uint32_t i = p.cover_demand[e];
            if (row_of[i] >= 0) M.set(row_of[i], int(j), col_of[i] >= 0 ? -1.0 : 1.0);
        }
    add_group_rows(p, lim, M);
    if (heur_ok) {
        M.start.assign(M.obj.size(), 0.0);
        for (uint32_t j : heur.chosen) {
            M.start[j] = 1;
            for (uint32_t e = p.cover_first[j]; e < p.cover_first[j + 1]; ++e)
                if (const int c = col_of[p.cover_demand[e]]; c >= 0) M.start[size_t(c)] = 1;
        }
    }

    const MipOutcome o = solve_mip(M, opt.mip_time_limit_s);
    // Verify CBC's plan on the exact weights; keep the heuristic plan if it is not better.
    bool use_cbc = o.has_solution;
    if (use_cbc) {
        r.chosen = chosen_from(o, m);
        use_cbc = meets(r.chosen) && !(heur_ok && heur.chosen.size() <= r.chosen.size());
    }
    if (!use_cbc) r.chosen = heur.chosen;
    r.chosen = rank_by_coverage(p, b, r.chosen);
    fill_coverage(p, b, r);
    r.objective = double(r.chosen.size());
    if (o.proven_infeasible || (!use_cbc && !heur_ok)) {
        r.status = SitingStatus::partial;
        append_message(r, o.proven_infeasible
                              ? "no plan meets every target within the per-group limits; "
                                "showing the greedy best effort"
                              : "no plan meeting every target found; showing the greedy best effort");
        r.seconds = clock.seconds();
        return r;
    }
    r.proven_optimal = o.proven_optimal;
    r.bound = r.proven_optimal ? r.objective : std::min(r.objective, std::ceil(o.bound - 1e-6));
    r.gap = relative_gap(r.objective, r.bound);
    describe_outcome(o, r);
    r.seconds = clock.seconds();
    return r;
}

} // namespace lc::cov
