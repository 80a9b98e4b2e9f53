#pragma once
// Process-level memory settings shared by the lifecircle command and the benchmarks.

namespace lc::base {

// First-touch page faults dominate big runs on some machines (measured on the 2-core build
// VM: faulting in 256 MiB of 4 KiB pages takes 1.3-1.6 s, with 2 MiB transparent huge pages
// 0.04-0.8 s; a 1M-node study touches ~1 GiB). Two settings, made first thing in main():
//
// 1. glibc backs malloc with huge pages only when the tunable glibc.malloc.hugetlb=1 is set
//    before the process starts, so the program re-executes itself once with it added to
//    GLIBC_TUNABLES (skipped if already set, if LC_HUGE_PAGES=0, or if the exec fails).
// 2. Freed memory is kept for reuse instead of being handed back to the kernel and faulted in
//    again: blocks up to 32 MiB come from the heap (not a fresh mmap each time), the heap is
//    never trimmed, and it grows in 64 MiB steps. The 1M-node analyze drops from ~100,000
//    page faults (1.9 s system time) to ~5,000 (0.5 s); its peak RSS rose by ~4 % (memory freed
//    in one thread's arena is not returned for another thread to reuse).
//    LC_MALLOC_TUNING=0 keeps glibc's defaults.
void tune_memory(char** argv);

}  // namespace lc::base
