#pragma once
// What every subcommand shares: the study flags, loading the project, printing messages.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>
#include <vector>

#include "coverage/study/project.hpp"
#include "coverage/study/travel.hpp"
#include "geo/report.hpp"

namespace lc::cli {

enum Exit { ok = 0, error = 1, cannot_run = 2 };

// The language of what the command prints on stdout and stderr: --lang, else the project's
// `lang` key, else English (CLI11's --help and option errors stay English). Set once the project
// is read; errors in reading it follow --lang alone.
void set_language(const std::string& lang);
bool in_zh();
// The text in the run's language.
inline const char* tr(const char* en, const char* zh) { return in_zh() ? zh : en; }
// printf in the run's language: both formats are literals, so the compiler checks each against
// the same arguments.
#define LC_PRINTF(en, zh, ...) (::lc::cli::in_zh() ? std::printf(zh, __VA_ARGS__) : std::printf(en, __VA_ARGS__))
#define LC_EPRINTF(en, zh, ...) \
    (::lc::cli::in_zh() ? std::fprintf(stderr, zh, __VA_ARGS__) : std::fprintf(stderr, en, __VA_ARGS__))

// The command line as given, for run.json.
extern std::vector<std::string> g_argv;

struct StudyFlags {
    std::string project;
    std::vector<std::string> sets;
    std::string towns, town_id, facilities, type_field, demand, weight, network;
    std::vector<std::string> facility_types;
    std::string minutes, capacity_field, access;
    double speed_kmh = 0;
    std::string lang;  // --lang: zh or en (default: the project's lang)
    bool quiet = false, verbose = false;

    void add_to(CLI::App& app);
    void add_service_flags(CLI::App& app);  // --capacity-field, --access (analyze, validate)
    cov::Project load() const;  // project file + flags + --set, flags last; sets the language
};

// A command-line number check: finite and within [lo, hi] (NaN, inf and a negative count that
// would wrap to 4294967293 are refused with the option's name).
CLI::Validator number_in(double lo, double hi);

// Prints the report grouped by code, at most `per_code` lines each (all with --verbose).
void print_report(const geo::Report& report, bool verbose, bool quiet);

// "error: TEXT" (错误：……) on stderr, in the run's language.
void print_error(const std::string& english);

class Progress;
// The counts of the reading step; the caller keeps them alive until it ends the step.
struct LoadCounts {
    base::Counter features, road_lines, graph_links;
};
// Starts the progress step "reading layers (and building the road network)" with `counts` and
// reads the study and the network in parallel; the caller ends the step with its own summary.
cov::StudyAndNetwork load_with_progress(const cov::Project& project, Progress& progress, LoadCounts& counts);

// Runs `body`, turning input errors into clear messages and exit codes.
int guarded(const std::function<int()>& body);

}  // namespace lc::cli
