// lifecircle: who is within reach of which public service, town by town.
#include <csignal>
#include <iostream>
#include <unistd.h>

#include "cli/command.hpp"
#include "cli/common.hpp"
#include "base/memory.hpp"
#include "geo/output.hpp"

namespace {
void on_interrupt(int sig) {
    // Ctrl-C: remove unfinished outputs, then exit with the conventional status.
    lc::geo::TempRegistry::delete_all();
    const char msg[] = "\ninterrupted: no partial outputs left behind\n";
    ssize_t ignored = write(2, msg, sizeof msg - 1);
    (void)ignored;
    _exit(128 + sig);
}
}  // namespace

int main(int argc, char** argv) {
    lc::base::tune_memory(argv);
    for (int i = 0; i < argc; ++i) lc::cli::g_argv.push_back(argv[i]);
    std::signal(SIGINT, on_interrupt);
    std::signal(SIGTERM, on_interrupt);
    CLI::App app{"lifecircle " LC_VERSION " - walking-network coverage of public services, town by town:\n"
                 "who is within reach, where a plan's targets are missed, where new facilities should go."};
    app.set_version_flag("--version", "lifecircle " LC_VERSION);
    app.require_subcommand(1);
    std::vector<std::unique_ptr<lc::cli::Command>> commands;
    commands.push_back(lc::cli::make_validate_command());
    commands.push_back(lc::cli::make_analyze_command());
    commands.push_back(lc::cli::make_network_command());
    commands.push_back(lc::cli::make_isochrones_command());
    commands.push_back(lc::cli::make_site_command());
    commands.push_back(lc::cli::make_compare_command());
    std::vector<CLI::App*> subs;
    for (auto& c : commands) {
        CLI::App* sub = app.add_subcommand(c->name(), c->description());
        c->setup(*sub);
        subs.push_back(sub);
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : lc::cli::cannot_run;
    }
    for (size_t i = 0; i < commands.size(); ++i)
        if (subs[i]->parsed()) return lc::cli::guarded([&] { return commands[i]->run(); });
    return lc::cli::cannot_run;
}
