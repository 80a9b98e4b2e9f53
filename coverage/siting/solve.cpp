#include "coverage/siting/solve.hpp"

#include "base/error.hpp"

namespace lc::cov {
namespace {

using SolveFn = SitingResult (*)(const SitingProblem&, const SitingOptions&);

struct Entry {
    Problem problem;
    Solver solver;
    SolveFn fn;
    bool capacities;  // handles candidate capacities
};

// Greedy entries are greedy + swap local search (the options say how far the search goes).
constexpr Entry kSolvers[] = {
    {Problem::mclp, Solver::greedy, solve_mclp, true},
    {Problem::mclp, Solver::exact, solve_mclp_exact, false},
    {Problem::lscp, Solver::greedy, solve_lscp, false},
    {Problem::lscp, Solver::exact, solve_lscp_exact, false},
    {Problem::pmedian, Solver::greedy, solve_pmedian, false},
    {Problem::pmedian, Solver::exact, solve_pmedian_exact, false},
    {Problem::pcenter, Solver::greedy, solve_pcenter, false},
    {Problem::pcenter, Solver::exact, solve_pcenter_exact, false},
};

struct Name {
    const char* text;
    int value;
};
constexpr Name kProblems[] = {{"mclp", int(Problem::mclp)}, {"lscp", int(Problem::lscp)}, {"pmedian", int(Problem::pmedian)},
                               {"pcenter", int(Problem::pcenter)}};
constexpr Name kSolverNames[] = {{"greedy", int(Solver::greedy)}, {"exact", int(Solver::exact)}};

template <size_t N>
int parse(const Name (&names)[N], const std::string& text, const char* what) {
    std::string all;
    for (const auto& n : names) {
        if (text == n.text) return n.value;
        all += (all.empty() ? "" : ", ") + std::string(n.text);
    }
    throw base::UserError(std::string("unknown ") + what + " '" + text + "': choose " + all);
}

}  // namespace

Problem parse_problem(const std::string& name) { return Problem(parse(kProblems, name, "siting problem")); }
Solver parse_solver(const std::string& name) { return Solver(parse(kSolverNames, name, "solver")); }
const char* to_string(Problem p) { return kProblems[int(p)].text; }
const char* to_string(Solver s) { return kSolverNames[int(s)].text; }
std::vector<std::string> problem_names() {
    std::vector<std::string> v;
    for (const auto& n : kProblems) v.push_back(n.text);
    return v;
}
std::vector<std::string> solver_names() {
    std::vector<std::string> v;
    for (const auto& n : kSolverNames) v.push_back(n.text);
    return v;
}

SitingResult solve(Problem problem, Solver solver, const SitingProblem& p, const SitingOptions& opt) {
    for (const auto& e : kSolvers) {
        if (e.problem != problem || e.solver != solver) continue;
        if (!e.capacities && !p.candidate_capacity.empty() && problem == Problem::mclp)
            throw base::UserError(std::string("the ") + to_string(solver) + " solver handles uncapacitated covering only; use --solver greedy with capacities");
        return e.fn(p, opt);
    }
    throw base::UserError(std::string("no ") + to_string(solver) + " solver for " + to_string(problem));
}

}  // namespace lc::cov
