// stats.cpp -- see stats.h.
#include "stats.h"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

namespace wpbench {

Summary summarize(std::vector<double> values) {
    Summary summary;
    summary.runs = values.size();
    if (values.empty())
        return summary;
    std::sort(values.begin(), values.end());
    std::size_t middle = values.size() / 2;
    summary.median = values.size() % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
    summary.min = values.front();
    summary.max = values.back();
    return summary;
}

double percentile(std::vector<uint32_t>& samples, double p) {
    if (samples.empty())
        return 0;
    // Nearest rank: the smallest sample with at least p% of the samples at or below it.
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size())));
    std::size_t index = rank == 0 ? 0 : std::min(rank, samples.size()) - 1;
    std::nth_element(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(index), samples.end());
    return samples[index];
}

double timerOverheadNs() {
    std::vector<double> costs;
    for (int round = 0; round < 9; ++round) {
        constexpr int kReads = 100000;
        uint64_t start = threadCpuNs();
        uint64_t sink = 0;
        for (int i = 0; i < kReads; ++i)
            sink += nowNs();
        uint64_t elapsed = threadCpuNs() - start;
        costs.push_back(static_cast<double>(elapsed) / kReads + (sink == 0 ? 1 : 0));
    }
    return summarize(costs).median;
}

uint64_t processCpuNs() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    auto ns = [](const timeval& t) {
        return static_cast<uint64_t>(t.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(t.tv_usec) * 1000u;
    };
    return ns(usage.ru_utime) + ns(usage.ru_stime);
}

uint64_t threadCpuNs() {
    timespec now{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return static_cast<uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(now.tv_nsec);
}

uint64_t residentBytes() {
    std::ifstream statm("/proc/self/statm");
    uint64_t sizePages = 0, residentPages = 0;
    statm >> sizePages >> residentPages;
    return residentPages * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

} // namespace wpbench
