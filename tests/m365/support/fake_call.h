// fake_call.h -- a wp::Call for unit tests, built from the ABI's C structs: cancellation on demand (or
// after N waits), an optional prompter that records what it was shown, an output that records events,
// and optionally a fake clock that wait_ms advances instead of sleeping.
#pragma once

#include <wp/abi.h>
#include <wp/call.hpp>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace m365test {

class FakeCall {
public:
    /// withPrompter: whether a person can answer a prompt.  fakeClockMs: if not null, wait_ms adds the
    /// requested time to it and returns at once (no real sleeping).
    explicit FakeCall(bool withPrompter = true, std::atomic<int64_t>* fakeClockMs = nullptr);
    FakeCall(const FakeCall&) = delete;
    FakeCall& operator=(const FakeCall&) = delete;

    wp::Call call() const { return wp::Call(_call); }

    void cancel() { _cancelled.store(true); }
    /// Requests cancellation when the n-th wait_ms call starts (1 = the first).
    void cancelOnWait(int n) { _cancelOnWait.store(n); }

    // What happened.
    int promptsShown() const;
    int promptsDismissed() const;
    std::string lastUserCode() const;
    std::string lastVerificationUri() const;
    int64_t lastExpiresAt() const;
    int64_t totalWaitedMs() const { return _waitedMs.load(); }
    std::vector<std::string> events() const;
    /// Returns WP_E_UNSUPPORTED from show_device_code (the host cannot show a prompt right now).
    void refusePrompts() { _refusePrompts.store(true); }

private:
    static int32_t requested(void* ctx);
    static int32_t waitMs(void* ctx, uint32_t ms);
    static wp_status show(void* ctx, const wp_device_code* code);
    static void dismiss(void* ctx);
    static void event(void* ctx, const char* json, size_t len);

    std::atomic<bool> _cancelled{false};
    std::atomic<int> _cancelOnWait{0};
    std::atomic<int> _waits{0};
    std::atomic<int64_t> _waitedMs{0};
    std::atomic<int64_t>* _fakeClockMs;
    std::atomic<bool> _refusePrompts{false};

    mutable std::mutex _mutex;
    int _shown = 0;
    int _dismissed = 0;
    std::string _userCode, _verificationUri;
    int64_t _expiresAt = 0;
    std::vector<std::string> _events;

    wp_cancel _cancel{};
    wp_prompter _prompter{};
    wp_output _output{};
    wp_error _error{};
    wp_call _call{};
};

} // namespace m365test
