#pragma once
// Process-level memory settings shared by the lifecircle command and the benchmarks.

namespace lc::base {

// Two process-level settings for machines where first-touch page faults dominate big runs.
// Both are OFF unless asked for: measured on the benchmark (bench/README.md, "Memory settings"),
// huge pages made analyze 35-45 % slower on the current build VM on both road shapes (the
// kernel zeroes each 2 MiB page on first touch), and keeping freed memory gained nothing there
// and cost ~50 MiB; on the earlier VM both had helped. Made first thing in main():
//
// 1. LC_HUGE_PAGES=1: glibc backs malloc with transparent huge pages only when the tunable
//    glibc.malloc.hugetlb=1 is set before the process starts, so the program re-executes
//    itself once with it added to GLIBC_TUNABLES (skipped if already set or if the exec fails).
// 2. LC_MALLOC_TUNING=1: freed memory is kept for reuse instead of being handed back to the
//    kernel and faulted in again: blocks up to 32 MiB come from the heap (not a fresh mmap each
//    time), the heap is never trimmed, and it grows in 64 MiB steps.
void tune_memory(char** argv);

}  // namespace lc::base
