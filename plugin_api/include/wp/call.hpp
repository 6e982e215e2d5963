// wp/call.hpp -- wp::Call: what one hook call gets besides its arguments (cancellation, the optional
// prompter, the output callbacks).  Valid for that call only; do not keep it.
#ifndef WP_CALL_HPP
#define WP_CALL_HPP

#include <wp/error.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <thread>

namespace wp {

/// What a person needs for the OAuth 2.0 device authorization grant (RFC 8628).
struct DeviceCode {
    std::string verificationUri; ///< the page to open
    std::string userCode;        ///< the code to type there (not a secret)
    std::string message;         ///< the service's ready-to-print instruction
    int64_t expiresAtUnix = 0;   ///< seconds since the epoch, UTC
};

/// One check of a validation report.
struct Finding {
    int severity = WP_SEVERITY_OK; ///< WP_SEVERITY_OK / _WARNING / _ERROR
    std::string code;              ///< stable dotted id, e.g. "cert.expires_soon"
    std::string message;           ///< user-safe; says what to do when it is not OK
};

/// Takes the device code off the screen when it goes out of scope (success, error, cancel or expiry).
class PromptGuard {
public:
    PromptGuard() = default;
    explicit PromptGuard(const wp_prompter* prompter) : _prompter(prompter) {}
    PromptGuard(PromptGuard&& other) noexcept : _prompter(other._prompter) { other._prompter = nullptr; }
    PromptGuard& operator=(PromptGuard&& other) noexcept {
        if (this != &other) {
            dismiss();
            _prompter = other._prompter;
            other._prompter = nullptr;
        }
        return *this;
    }
    PromptGuard(const PromptGuard&) = delete;
    PromptGuard& operator=(const PromptGuard&) = delete;
    ~PromptGuard() { dismiss(); }

    /// Dismisses now (idempotent).
    void dismiss() noexcept {
        if (_prompter != nullptr && _prompter->dismiss != nullptr)
            _prompter->dismiss(_prompter->ctx);
        _prompter = nullptr;
    }

private:
    const wp_prompter* _prompter = nullptr;
};

/// Wraps the borrowed wp_call of one hook call.
class Call {
public:
    /// The wp_call must cover at least the ABI 1.0 fields (the trampolines check this).
    explicit Call(const wp_call& call) noexcept : _call(call) {}

    /// True once the host asked to stop: return (throw Error(WP_E_CANCELLED, ...)) soon.
    bool cancelled() const noexcept {
        return _call.cancel != nullptr && _call.cancel->requested != nullptr &&
               _call.cancel->requested(_call.cancel->ctx) != 0;
    }

    /// Sleeps up to `duration`; returns false if cancellation was requested (before or while waiting).
    bool waitFor(std::chrono::milliseconds duration) const {
        auto ms = duration.count() < 0 ? 0 : duration.count();
        if (_call.cancel == nullptr || _call.cancel->wait_ms == nullptr) {
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
            return !cancelled();
        }
        // wait_ms takes 32 bits; longer waits are split.
        while (ms > 0) {
            auto slice = ms > 3'600'000 ? 3'600'000 : ms;
            if (_call.cancel->wait_ms(_call.cancel->ctx, static_cast<uint32_t>(slice)) != 0)
                return false;
            ms -= slice;
        }
        return !cancelled();
    }

    /// Throws Error(WP_E_CANCELLED, "call.cancelled") if the host asked to stop.
    void throwIfCancelled() const {
        if (cancelled())
            throw Error(WP_E_CANCELLED, "call.cancelled", "the operation was cancelled");
    }

    /// True if a person can answer a prompt during this call.
    bool canPrompt() const noexcept {
        return _call.prompter != nullptr && _call.prompter->show_device_code != nullptr;
    }

    /// Shows (or replaces) a device code; the returned guard dismisses it.  Throws Error(WP_E_AUTH_REQUIRED,
    /// "auth.interaction_required") when nobody can answer (no prompter, or the host cannot show it now).
    PromptGuard showDeviceCode(const DeviceCode& code) const {
        if (!canPrompt())
            throw interactionRequired();
        wp_device_code abi{};
        abi.struct_size = sizeof abi;
        abi.verification_uri = code.verificationUri.c_str();
        abi.user_code = code.userCode.c_str();
        abi.message = code.message.c_str();
        abi.expires_at_unix = code.expiresAtUnix;
        wp_status status = _call.prompter->show_device_code(_call.prompter->ctx, &abi);
        if (status == WP_E_UNSUPPORTED)
            throw interactionRequired();
        if (status != WP_OK)
            throw Error(status, "prompt.failed",
                        std::string("the host could not show the sign-in code (") + statusName(status) + ")");
        return PromptGuard(_call.prompter);
    }

    /// Reports progress or a result of configure/validate: one JSON object, e.g.
    /// {"event":"step","step":"create_application","state":"done"}.
    void event(std::string_view json) const {
        if (output().event != nullptr)
            output().event(output().ctx, json.data(), json.size());
    }

    /// validate: reports one check.
    void finding(const Finding& finding) const {
        if (output().finding == nullptr)
            return;
        wp_finding abi{};
        abi.struct_size = sizeof abi;
        abi.severity = finding.severity;
        abi.code = finding.code.c_str();
        abi.message = finding.message.c_str();
        output().finding(output().ctx, &abi);
    }

    /// validate: reports a fact a host shows in a status list ("tenant", "certificate_expires", ...).
    void fact(std::string_view key, std::string_view value) const {
        if (output().fact == nullptr)
            return;
        detail::CString k(key), v(value);
        output().fact(output().ctx, k.c_str(), v.c_str());
    }

    /// acquireCredentials: hands the credential to the host (which copies it).  Allocation-free for
    /// type and scope up to 255 bytes.
    void credential(std::string_view type, std::string_view token, int64_t expiresAtUnix,
                    std::string_view scope) const {
        if (output().credential == nullptr)
            return;
        detail::CString t(type), s(scope);
        wp_credential abi{};
        abi.struct_size = sizeof abi;
        abi.type = t.c_str();
        abi.token = token.data();
        abi.token_len = token.size();
        abi.expires_at_unix = expiresAtUnix;
        abi.scope = s.c_str();
        output().credential(output().ctx, &abi);
    }

    /// The raw call, for what the wrapper does not cover (e.g. fields of a later minor version).
    const wp_call& raw() const noexcept { return _call; }

private:
    const wp_output& output() const noexcept {
        static const wp_output none{};
        return _call.output != nullptr ? *_call.output : none;
    }
    static Error interactionRequired() {
        return Error(WP_E_AUTH_REQUIRED, "auth.interaction_required",
                     "a person must sign in, but nobody can answer a prompt now",
                     "Run the action again interactively.");
    }

    wp_call _call;
};

} // namespace wp

#endif // WP_CALL_HPP
