#pragma once
// One class per subcommand (as osmium-tool does): setup() declares the options without doing
// any I/O, run() does the work and returns the exit code.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>
#include <vector>

namespace lc::cli {

class Command {
public:
    virtual ~Command() = default;
    virtual const char* name() const = 0;
    virtual const char* description() const = 0;
    virtual void setup(CLI::App& app) = 0;
    virtual int run() = 0;
};

// Registered in main.cpp, defined one per file in command_<name>.cpp.
std::unique_ptr<Command> make_validate_command();
std::unique_ptr<Command> make_analyze_command();
std::unique_ptr<Command> make_network_command();
std::unique_ptr<Command> make_isochrones_command();
std::unique_ptr<Command> make_site_command();
std::unique_ptr<Command> make_compare_command();

}  // namespace lc::cli
