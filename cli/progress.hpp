#pragma once
// Progress on stderr: on a terminal the current step is redrawn in place with its elapsed time,
// its counts ("road lines 3000/12000") and a bar; otherwise plain log lines, one when a step
// starts and one when it ends (no counts, no \r, no escape codes). --quiet silences it.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/counter.hpp"

namespace lc::cli {

class Progress {
public:
    // One count shown while a step runs: what it counts and the counter a library advances.
    struct Part {
        std::string what;
        const base::Counter* count;
    };
    explicit Progress(bool quiet);
    ~Progress();
    // Starts a step; the counters (owned by the caller) are read while it is drawn.
    void begin(const std::string& label, std::vector<Part> parts = {});
    // Ends the current step with a short summary ("6,227 nodes").
    void end(const std::string& summary = "");
    double elapsed() const;  // seconds since construction

private:
    void draw();
    std::string count_text(double* share = nullptr) const;
    void ticker();
    bool quiet_, tty_;
    std::chrono::steady_clock::time_point start_, step_start_;
    std::string label_;
    std::vector<Part> parts_;
    bool active_ = false, stop_ = false;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::thread thread_;
};

}  // namespace lc::cli
