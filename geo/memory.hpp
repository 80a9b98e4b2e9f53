#pragma once
// Process-level memory setting shared by the lifecircle command and the benchmarks.

namespace lc::geo {

// First-touch page faults dominate big runs on some machines (measured on the 2-core build
// VM: faulting in 256 MiB of 4 KiB pages takes 1.3-1.6 s, with 2 MiB transparent huge pages
// 0.04-0.8 s; a 1M-node study touches ~1 GiB). glibc backs malloc with huge pages only when
// the tunable glibc.malloc.hugetlb=1 is set before the process starts, so this re-executes
// the program once with it added to GLIBC_TUNABLES. Does nothing (and returns) if the tunable
// is already set, if LC_HUGE_PAGES=0, or if the re-exec fails. Call first thing in main().
void reexec_with_huge_pages(char** argv);

}  // namespace lc::geo
