// stats.h -- what every benchmark reports: the median of several runs with min and max, percentiles of
// latency samples, and a steady clock in nanoseconds.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

namespace wpbench {

/// Median, min and max of several runs of one figure.
struct Summary {
    double median = 0;
    double min = 0;
    double max = 0;
    std::size_t runs = 0;
};

/// Summary of the values (an even count takes the mean of the two middle values).  Empty: all zero.
Summary summarize(std::vector<double> values);

/// The p-th percentile (0..100, nearest rank) of samples; sorts them.  Empty: 0.
double percentile(std::vector<uint32_t>& samples, double p);

/// Nanoseconds of the steady clock (CLOCK_MONOTONIC through the vDSO: ~20 ns per read).
inline uint64_t nowNs() noexcept {
    return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
}

/// The cost of one nowNs() read in CPU time (median of several rounds): latency samples include it once.
double timerOverheadNs();

/// CPU time (user + system, all threads) this process has used so far, in nanoseconds.
uint64_t processCpuNs();

/// CPU time the calling thread has used so far, in nanoseconds (CLOCK_THREAD_CPUTIME_ID).  On a shared,
/// loaded machine a thread may get a fraction of a core: operations per CPU-second are what the code
/// costs, operations per wall-second what this run happened to see.
uint64_t threadCpuNs();

/// Resident set size of this process now, in bytes (/proc/self/statm).
uint64_t residentBytes();

} // namespace wpbench
