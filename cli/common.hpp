#pragma once
// What every subcommand shares: the study flags, loading the project, printing messages.
#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "coverage/study/project.hpp"
#include "geo/report.hpp"

namespace lc::cli {

enum Exit { ok = 0, error = 1, cannot_run = 2 };

// The command line as given, for run.json.
extern std::vector<std::string> g_argv;

struct StudyFlags {
    std::string project;
    std::vector<std::string> sets;
    std::string towns, town_id, facilities, type_field, demand, weight, network;
    std::vector<std::string> facility_types;
    std::string minutes, capacity_field, access;
    double speed_kmh = 0;
    bool quiet = false, verbose = false;

    void add_to(CLI::App& app);
    void add_service_flags(CLI::App& app);  // --capacity-field, --access (analyze, validate)
    cov::Project load() const;  // project file + flags + --set, flags last
};

// A command-line number check: finite and within [lo, hi] (NaN, inf and a negative count that
// would wrap to 4294967293 are refused with the option's name).
CLI::Validator number_in(double lo, double hi);

// Prints the report grouped by code, at most `per_code` lines each (all with --verbose).
void print_report(const geo::Report& report, bool verbose, bool quiet);

// Runs `body`, turning input errors into clear messages and exit codes.
int guarded(const std::function<int()>& body);

}  // namespace lc::cli
