// fake_call.cpp -- see fake_call.h.
#include "support/fake_call.h"

#include <chrono>
#include <thread>

namespace m365test {

FakeCall::FakeCall(bool withPrompter, std::atomic<int64_t>* fakeClockMs) : _fakeClockMs(fakeClockMs) {
    _cancel = wp_cancel{this, &FakeCall::requested, &FakeCall::waitMs};
    _prompter = wp_prompter{this, &FakeCall::show, &FakeCall::dismiss};
    _output = wp_output{this, &FakeCall::event, nullptr, nullptr, nullptr};
    _error.struct_size = sizeof _error;
    _call.struct_size = sizeof _call;
    _call.cancel = &_cancel;
    _call.prompter = withPrompter ? &_prompter : nullptr;
    _call.output = &_output;
    _call.error = &_error;
}

int32_t FakeCall::requested(void* ctx) {
    return static_cast<FakeCall*>(ctx)->_cancelled.load() ? 1 : 0;
}

int32_t FakeCall::waitMs(void* ctx, uint32_t ms) {
    auto* self = static_cast<FakeCall*>(ctx);
    int n = ++self->_waits;
    if (self->_cancelOnWait.load() != 0 && n >= self->_cancelOnWait.load())
        self->_cancelled.store(true);
    if (self->_cancelled.load())
        return 1;
    self->_waitedMs += ms;
    if (self->_fakeClockMs != nullptr)
        *self->_fakeClockMs += ms;
    else
        std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    return self->_cancelled.load() ? 1 : 0;
}

wp_status FakeCall::show(void* ctx, const wp_device_code* code) {
    auto* self = static_cast<FakeCall*>(ctx);
    if (self->_refusePrompts.load())
        return WP_E_UNSUPPORTED;
    std::lock_guard<std::mutex> lock(self->_mutex);
    ++self->_shown;
    self->_userCode = code->user_code;
    self->_verificationUri = code->verification_uri;
    self->_expiresAt = code->expires_at_unix;
    return WP_OK;
}

void FakeCall::dismiss(void* ctx) {
    auto* self = static_cast<FakeCall*>(ctx);
    std::lock_guard<std::mutex> lock(self->_mutex);
    ++self->_dismissed;
}

void FakeCall::event(void* ctx, const char* json, size_t len) {
    auto* self = static_cast<FakeCall*>(ctx);
    std::lock_guard<std::mutex> lock(self->_mutex);
    self->_events.emplace_back(json, len);
}

int FakeCall::promptsShown() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _shown;
}
int FakeCall::promptsDismissed() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _dismissed;
}
std::string FakeCall::lastUserCode() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _userCode;
}
std::string FakeCall::lastVerificationUri() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _verificationUri;
}
int64_t FakeCall::lastExpiresAt() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _expiresAt;
}
std::vector<std::string> FakeCall::events() const {
    std::lock_guard<std::mutex> lock(_mutex);
    return _events;
}

} // namespace m365test
