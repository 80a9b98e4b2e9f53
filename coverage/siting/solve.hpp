#pragma once
// One entry point for every siting problem and solver: a table of (problem, solver) -> function,
// so the command line only maps flags to a Problem and a Solver. Adding a problem (p-center, say)
// means one solver file and one row per solver in solve.cpp.
#include <string>
#include <vector>

#include "coverage/siting/siting.hpp"

namespace lc::cov {

enum class Problem { mclp, lscp, pmedian, pcenter };
enum class Solver { greedy, exact };

// Names as the command line spells them ("mclp", "greedy"); throw base::UserError on others.
Problem parse_problem(const std::string& name);
Solver parse_solver(const std::string& name);
const char* to_string(Problem);
const char* to_string(Solver);
std::vector<std::string> problem_names();
std::vector<std::string> solver_names();

// Solves `problem` with `solver`. Combinations the table lacks (exact capacitated MCLP) are a
// base::UserError naming what to use instead.
SitingResult solve(Problem problem, Solver solver, const SitingProblem& p, const SitingOptions& opt);

}  // namespace lc::cov
