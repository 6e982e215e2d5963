// A bounded retry budget: how long an operation may keep waiting for replication or throttling. Counts
// both the real time spent and the time it asked to wait (a test's fake clock makes waits instant, and
// the budget must still run out). The waits themselves are paced by Retrier (retry_policy.h).
#pragma once

#include <algorithm>
#include <chrono>

namespace m365 {

class RetryBudget {
public:
    explicit RetryBudget(std::chrono::milliseconds budget)
        : _budget(budget), _started(std::chrono::steady_clock::now()) {}

    /// Whether waiting `wait` more stays within the budget.
    bool allows(std::chrono::milliseconds wait) const { return spent() + wait <= _budget; }
    /// Records a wait that was (about to be) done.
    void waited(std::chrono::milliseconds wait) { _waited += wait; }
    std::chrono::milliseconds spent() const {
        auto real = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                          _started);
        return std::max(real, _waited);
    }

private:
    std::chrono::milliseconds _budget;
    std::chrono::steady_clock::time_point _started;
    std::chrono::milliseconds _waited{0};
};

} // namespace m365
