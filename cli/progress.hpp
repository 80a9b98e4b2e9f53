#pragma once
// Progress on stderr: on a terminal the current step is redrawn in place with its elapsed time
// (and a bar when the step counts items); otherwise plain log lines, one when a step starts and
// one when it ends. --quiet silences it.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>

namespace lc::cli {

class Progress {
public:
    explicit Progress(bool quiet);
    ~Progress();
    // Starts a step. If `total` > 0, `counter` (owned by the caller, may be null) is read to draw a bar.
    void begin(const std::string& label, size_t total = 0, const std::atomic<size_t>* counter = nullptr);
    // Ends the current step with a short summary ("6,227 nodes").
    void end(const std::string& summary = "");
    double elapsed() const;  // seconds since construction

private:
    void draw(bool final_line);
    void ticker();
    bool quiet_, tty_;
    std::chrono::steady_clock::time_point start_, step_start_;
    std::string label_;
    size_t total_ = 0;
    const std::atomic<size_t>* counter_ = nullptr;
    bool active_ = false, stop_ = false;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::thread thread_;
};

}  // namespace lc::cli
