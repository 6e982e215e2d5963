// wp/host_callbacks.hpp -- the per-call services a host lends a hook, built from C++ objects and lambdas
// so that a host never writes a C trampoline by hand: Cancellation (wp_cancel), Output (wp_output),
// Prompter (wp_prompter) and CallFrame (the wp_call with its wp_error).  Included by wp/host.hpp.
#ifndef WP_HOST_CALLBACKS_HPP
#define WP_HOST_CALLBACKS_HPP

#include <wp/abi.h>
#include <wp/error.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>

namespace wp::host {

/// A cancel token: request() from any thread (a signal handler must not call it: use a watcher thread);
/// the plugin polls it and sleeps in it.  Reusable for many calls; reset() clears a request.
class Cancellation {
public:
    Cancellation() noexcept : _abi{this, &requestedThunk, &waitThunk} {}
    Cancellation(const Cancellation&) = delete;
    Cancellation& operator=(const Cancellation&) = delete;

    void request() {
        {
            std::lock_guard<std::mutex> lock(_mutex);
            _requested.store(true);
        }
        _wakeUp.notify_all();
    }
    void reset() noexcept { _requested.store(false); }
    bool requested() const noexcept { return _requested.load(); }
    /// Sleeps up to `duration`; returns true if cancellation was requested (before or during the wait).
    bool waitFor(std::chrono::milliseconds duration) {
        std::unique_lock<std::mutex> lock(_mutex);
        return _wakeUp.wait_for(lock, duration, [this] { return _requested.load(); });
    }
    const wp_cancel& abi() const noexcept { return _abi; }

private:
    static int32_t requestedThunk(void* ctx) noexcept {
        return static_cast<Cancellation*>(ctx)->requested() ? 1 : 0;
    }
    static int32_t waitThunk(void* ctx, uint32_t ms) noexcept {
        try {
            return static_cast<Cancellation*>(ctx)->waitFor(std::chrono::milliseconds(ms)) ? 1 : 0;
        } catch (...) {
            return static_cast<Cancellation*>(ctx)->requested() ? 1 : 0;
        }
    }

    std::atomic<bool> _requested{false};
    std::mutex _mutex;
    std::condition_variable _wakeUp;
    wp_cancel _abi;
};

/// Where a hook's results go: set the callbacks you want (an unset one drops that kind).  The views are
/// valid during the callback only: copy what you keep.  A callback that throws loses that one item (an
/// exception cannot cross the ABI); the count of such failures is in droppedItems().
class Output {
public:
    std::function<void(std::string_view json)> onEvent;
    std::function<void(const wp_finding& finding)> onFinding;
    std::function<void(std::string_view key, std::string_view value)> onFact;
    /// The token is a secret: hand it on, never log it.
    std::function<void(const wp_credential& credential)> onCredential;

    Output() noexcept : _abi{this, &eventThunk, &findingThunk, &factThunk, &credentialThunk} {}
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;

    const wp_output& abi() const noexcept { return _abi; }
    uint64_t droppedItems() const noexcept { return _dropped.load(); }

private:
    template <class Fn> static void deliver(void* ctx, Fn&& fn) noexcept {
        auto* self = static_cast<Output*>(ctx);
        try {
            fn(*self);
        } catch (...) {
            self->_dropped.fetch_add(1);
        }
    }
    static void eventThunk(void* ctx, const char* json, std::size_t len) noexcept {
        deliver(ctx, [&](Output& self) {
            if (self.onEvent)
                self.onEvent(std::string_view(json, len));
        });
    }
    static void findingThunk(void* ctx, const wp_finding* finding) noexcept {
        deliver(ctx, [&](Output& self) {
            if (self.onFinding && finding != nullptr)
                self.onFinding(*finding);
        });
    }
    static void factThunk(void* ctx, const char* key, const char* value) noexcept {
        deliver(ctx, [&](Output& self) {
            if (self.onFact)
                self.onFact(key != nullptr ? key : "", value != nullptr ? value : "");
        });
    }
    static void credentialThunk(void* ctx, const wp_credential* credential) noexcept {
        deliver(ctx, [&](Output& self) {
            if (self.onCredential && credential != nullptr)
                self.onCredential(*credential);
        });
    }

    wp_output _abi;
    std::atomic<uint64_t> _dropped{0};
};

/// Interactive sign-in: show a device code, take it down again.  Pass none to a CallFrame when nobody
/// can answer (a scheduled job): the plugin then answers WP_E_AUTH_REQUIRED instead of blocking.
class Prompter {
public:
    /// Return WP_OK once shown, WP_E_UNSUPPORTED if it cannot be shown now.  Fields may be NULL.
    std::function<wp_status(const wp_device_code& code)> onShow;
    std::function<void()> onDismiss;

    Prompter() noexcept : _abi{this, &showThunk, &dismissThunk} {}
    Prompter(const Prompter&) = delete;
    Prompter& operator=(const Prompter&) = delete;

    const wp_prompter& abi() const noexcept { return _abi; }

private:
    static wp_status showThunk(void* ctx, const wp_device_code* code) noexcept {
        auto* self = static_cast<Prompter*>(ctx);
        if (!self->onShow || code == nullptr)
            return WP_E_UNSUPPORTED;
        try {
            return self->onShow(*code);
        } catch (const Error& e) {
            return e.status();
        } catch (...) {
            return WP_E_INTERNAL;
        }
    }
    static void dismissThunk(void* ctx) noexcept {
        auto* self = static_cast<Prompter*>(ctx);
        try {
            if (self->onDismiss)
                self->onDismiss();
        } catch (...) {
        }
    }

    wp_prompter _abi;
};

/// One hook call's wp_call plus the wp_error record it points to.  Use one frame per concurrent call
/// (each thread calling acquire needs its own); it may be reused for sequential calls.
class CallFrame {
public:
    CallFrame(const Cancellation& cancel, const Output& output, const Prompter* prompter = nullptr) noexcept
        : _error(wp::detail::makeErrorRecord()) {
        _call.struct_size = sizeof _call;
        _call.cancel = &cancel.abi();
        _call.output = &output.abi();
        _call.prompter = prompter != nullptr ? &prompter->abi() : nullptr;
        _call.error = &_error;
    }
    CallFrame(const CallFrame&) = delete;
    CallFrame& operator=(const CallFrame&) = delete;

    /// The wp_call to pass to a hook; clears the error record of the previous call.
    const wp_call& call() noexcept {
        _error.code[0] = _error.message[0] = _error.hint[0] =
            '\0'; // cheap: this sits on the acquire hot path
        return _call;
    }
    /// The error record the last hook filled.
    const wp_error& record() const noexcept { return _error; }
    /// The last hook's failure as an exception (for a status other than WP_OK).
    Error error(wp_status status) const { return Error::fromRecord(status, _error); }
    /// Throws error(status) unless status is WP_OK.
    void check(wp_status status) const {
        if (status != WP_OK)
            throw error(status);
    }

private:
    wp_call _call{};
    wp_error _error;
};

} // namespace wp::host

#endif // WP_HOST_CALLBACKS_HPP
