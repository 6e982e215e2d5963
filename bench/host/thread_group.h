// thread_group.h -- N threads released at the same instant (a spinning start line), joined at the end.
#pragma once

#include <atomic>
#include <functional>
#include <thread>
#include <vector>

namespace wpbench {

/// Runs body(index) on `count` threads.  Each thread first prepares (outside the measurement), then waits
/// at the start line; all are released together.  Returns when every thread has finished.
inline void runTogether(int count, const std::function<void(int)>& prepare,
                        const std::function<void(int)>& body) {
    std::atomic<int> ready{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    threads.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        threads.emplace_back([&, i] {
            prepare(i);
            ready.fetch_add(1);
            while (!go.load(std::memory_order_acquire))
                std::this_thread::yield();
            body(i);
        });
    while (ready.load() < count)
        std::this_thread::yield();
    go.store(true, std::memory_order_release);
    for (auto& thread : threads)
        thread.join();
}

} // namespace wpbench
