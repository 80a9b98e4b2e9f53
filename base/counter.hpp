#pragma once
// A count a library advances during a long step (features read, searches done, rows written), so
// that its caller can show progress. The library knows nothing of how, or whether, it is shown;
// counting is relaxed atomics, safe from parallel loops and cheap.
#include <atomic>
#include <cstddef>

namespace lc::base {

struct Counter {
    std::atomic<size_t> done{0};
    std::atomic<size_t> total{0};  // what the step expects to do; 0 = not known
    void add(size_t n = 1) { done.fetch_add(n, std::memory_order_relaxed); }
    void expect(size_t n) { total.fetch_add(n, std::memory_order_relaxed); }
};

// For library code: counter may be null (nobody is watching).
inline void count(Counter* c, size_t n = 1) {
    if (c) c->add(n);
}
inline void expect(Counter* c, size_t n) {
    if (c) c->expect(n);
}

}  // namespace lc::base
