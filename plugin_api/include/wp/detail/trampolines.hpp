// wp/detail/trampolines.hpp -- the C functions WP_DEFINE_PLUGIN puts into the wp_plugin table.  They
// check the arguments, adapt the C types to wp::Host / wp::Call and catch every exception: nothing is
// ever thrown across the ABI.  Included by wp/plugin.hpp; not for direct use.
#ifndef WP_DETAIL_TRAMPOLINES_HPP
#define WP_DETAIL_TRAMPOLINES_HPP

#include <wp/detail/request.hpp>
#include <wp/plugin.hpp>

#include <cstddef>
#include <cstdio>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <string_view>

namespace wp::detail {

// Sizes of the ABI 1.0 prefix of each table the host passes in (later minors only append).
inline constexpr std::size_t kHostV1Size = offsetof(wp_host, secrets) + sizeof(wp_store);
inline constexpr std::size_t kCallV1Size = offsetof(wp_call, error) + sizeof(wp_error*);
inline constexpr std::size_t kCredentialRequestV1Size =
    offsetof(wp_credential_request, flags) + sizeof(uint32_t);

/// Runs fn, mapping every exception onto a status and the error record.  Allocation-free unless fn throws.
template <class Fn>
wp_status guarded(wp_error* error, const char* pluginId, const char* hook, Fn&& fn) noexcept {
    try {
        fn();
        return WP_OK;
    } catch (const Error& e) {
        return fillError(error, e);
    } catch (const std::bad_alloc&) {
        char message[160];
        std::snprintf(message, sizeof message, "plugin '%s' ran out of memory in %s", pluginId, hook);
        fillError(error, "internal.out_of_memory", message);
    } catch (const std::exception& e) {
        // A foreign exception's text is the only clue to the bug, so it is passed on: convert exceptions
        // whose text could carry a secret into wp::Error where you catch them.
        char message[512];
        std::snprintf(message, sizeof message, "plugin '%s' failed unexpectedly in %s: %s", pluginId, hook,
                      e.what());
        fillError(error, "internal.exception", message, "This is a bug in the plugin: please report it.");
    } catch (...) {
        char message[160];
        std::snprintf(message, sizeof message, "plugin '%s' failed unexpectedly in %s", pluginId, hook);
        fillError(error, "internal.exception", message, "This is a bug in the plugin: please report it.");
    }
    return WP_E_INTERNAL;
}

/// The host's wp_call, zero-filled to this header's size.  Returns false (the caller answers
/// WP_E_INVALID_ARGUMENT) if it lacks ABI 1.0 fields; the error record is then not touched.
inline bool copyCall(const wp_call* call, wp_call& copy) noexcept {
    if (call == nullptr || call->struct_size < kCallV1Size || call->error == nullptr)
        return false;
    copy = wp_call{};
    std::memcpy(&copy, call, call->struct_size < sizeof copy ? call->struct_size : sizeof copy);
    return true;
}

/// Wraps the host's wp_output to notice error-severity findings reported by validate.
struct FindingWatch {
    const wp_output* inner = nullptr;
    bool sawError = false;
    char code[sizeof(wp_error::code)] = {};
    char message[sizeof(wp_error::message)] = {};

    static void event(void* ctx, const char* json, std::size_t len) {
        auto* self = static_cast<FindingWatch*>(ctx);
        if (self->inner->event != nullptr)
            self->inner->event(self->inner->ctx, json, len);
    }
    static void finding(void* ctx, const wp_finding* finding) {
        auto* self = static_cast<FindingWatch*>(ctx);
        if (finding->severity >= WP_SEVERITY_ERROR && !self->sawError) {
            self->sawError = true;
            copyTruncated(self->code, sizeof self->code, finding->code != nullptr ? finding->code : "");
            copyTruncated(self->message, sizeof self->message,
                          finding->message != nullptr ? finding->message : "");
        }
        if (self->inner->finding != nullptr)
            self->inner->finding(self->inner->ctx, finding);
    }
    static void fact(void* ctx, const char* key, const char* value) {
        auto* self = static_cast<FindingWatch*>(ctx);
        if (self->inner->fact != nullptr)
            self->inner->fact(self->inner->ctx, key, value);
    }
    static void credential(void* ctx, const wp_credential* credential) {
        auto* self = static_cast<FindingWatch*>(ctx);
        if (self->inner->credential != nullptr)
            self->inner->credential(self->inner->ctx, credential);
    }
};

template <class Definition> class Trampolines {
    using PluginClass = typename Definition::Class;

    // The object behind an opaque wp_instance*: the host services first, then the plugin using them.
    struct Box {
        Box(const wp_host& hostTable, std::string_view instanceId)
            : host(hostTable), plugin(host, instanceId) {}
        Host host;
        PluginClass plugin;
    };
    static Box* box(wp_instance* instance) noexcept { return reinterpret_cast<Box*>(instance); }

    static wp_status badArgument(wp_error* error, const char* what) noexcept {
        fillError(error, "call.invalid_argument", what);
        return WP_E_INVALID_ARGUMENT;
    }

    static wp_status create(const wp_host* host, const char* instanceId, wp_instance** out,
                            wp_error* error) noexcept {
        if (out == nullptr || host == nullptr)
            return badArgument(error, "create() needs a host table and an output pointer");
        *out = nullptr;
        return guarded(error, Definition::wpId, "create", [&] {
            if (WP_ABI_VERSION_MAJOR(host->abi_version) != WP_ABI_MAJOR)
                throw Error(WP_E_INCOMPATIBLE, "abi.host_major_mismatch",
                            std::string("plugin '") + Definition::wpId + "' speaks ABI " +
                                std::to_string(WP_ABI_MAJOR) + "." + std::to_string(WP_ABI_MINOR) +
                                ", the host speaks " +
                                std::to_string(WP_ABI_VERSION_MAJOR(host->abi_version)) + ".x",
                            "Use a plugin built for this host's ABI major version.");
            if (host->struct_size < kHostV1Size)
                throw Error(WP_E_INCOMPATIBLE, "abi.host_table_too_small",
                            std::string("plugin '") + Definition::wpId + "' needs a wp_host of at least " +
                                std::to_string(kHostV1Size) + " bytes (ABI 1.0), the host passed " +
                                std::to_string(host->struct_size),
                            "The host is broken or too old for this plugin.");
            *out = reinterpret_cast<wp_instance*>(new Box(*host, instanceId != nullptr ? instanceId : ""));
        });
    }

    static void destroy(wp_instance* instance) noexcept { delete box(instance); }

    static wp_status configure(wp_instance* instance, const wp_call* call, const char* requestJson,
                               std::size_t len) noexcept {
        wp_call copy;
        if (!copyCall(call, copy))
            return WP_E_INVALID_ARGUMENT;
        if (instance == nullptr || (requestJson == nullptr && len != 0))
            return badArgument(copy.error, "configure() needs an instance and a request");
        return guarded(copy.error, Definition::wpId, "configure", [&] {
            ConfigureRequest request = splitConfigureRequest(std::string_view(requestJson, len));
            requireDeclared(request.action);
            box(instance)->plugin.configure(Call(copy), request.action, request.settings);
        });
    }

    static wp_status validate(wp_instance* instance, const wp_call* call, const char* optionsJson,
                              std::size_t len) noexcept {
        wp_call copy;
        if (!copyCall(call, copy))
            return WP_E_INVALID_ARGUMENT;
        if (instance == nullptr || (optionsJson == nullptr && len != 0))
            return badArgument(copy.error, "validate() needs an instance");
        static const wp_output noOutput{};
        FindingWatch watch;
        watch.inner = copy.output != nullptr ? copy.output : &noOutput;
        wp_output watched{&watch, &FindingWatch::event, &FindingWatch::finding, &FindingWatch::fact,
                          &FindingWatch::credential};
        copy.output = &watched;
        std::string_view options = len == 0 ? std::string_view("{}") : std::string_view(optionsJson, len);
        wp_status status = guarded(copy.error, Definition::wpId, "validate",
                                   [&] { box(instance)->plugin.validate(Call(copy), options); });
        if (status == WP_OK && watch.sawError) {
            fillError(copy.error, watch.code, watch.message, "See the validation report for what to fix.");
            status = WP_E_INVALID_CONFIG;
        }
        return status;
    }

    // The hot path: no allocation, no parsing; just the checks and the try block.
    static wp_status acquire(wp_instance* instance, const wp_call* call,
                             const wp_credential_request* request) noexcept {
        wp_call copy;
        if (!copyCall(call, copy))
            return WP_E_INVALID_ARGUMENT;
        if (instance == nullptr || request == nullptr || request->struct_size < kCredentialRequestV1Size)
            return badArgument(copy.error,
                               "acquire_credentials() needs an instance and a credential request");
        std::string_view resource = request->resource != nullptr ? request->resource : "";
        uint32_t flags = request->flags;
        return guarded(copy.error, Definition::wpId, "acquire_credentials",
                       [&] { box(instance)->plugin.acquireCredentials(Call(copy), resource, flags); });
    }

    static void requireDeclared(std::string_view action) {
        std::string known;
        for (uint32_t i = 0; i < Definition::wpActionCount; ++i) {
            if (action == Definition::wpActions[i].name)
                return;
            known += (i == 0 ? "" : ", ") + std::string(Definition::wpActions[i].name);
        }
        throw Error(WP_E_UNSUPPORTED, "configure.unknown_action",
                    std::string("plugin '") + Definition::wpId + "' has no action '" + std::string(action) +
                        "'",
                    "Known actions: " + known + ".");
    }

public:
    static constexpr wp_plugin kTable = {
        .struct_size = sizeof(wp_plugin),
        .abi_version = WP_ABI_VERSION,
        .id = Definition::wpId,
        .display_name = Definition::wpDisplayName,
        .version = Definition::wpVersion,
        .description = Definition::wpDescription,
        .actions = Definition::wpActions,
        .action_count = Definition::wpActionCount,
        .create = &create,
        .destroy = &destroy,
        .configure = &configure,
        .validate = &validate,
        .acquire_credentials = &acquire,
    };

    /// The table is returned to every host; the host refuses another major version (abi.h).
    static const wp_plugin* entry(uint32_t /*hostAbiVersion*/) noexcept { return &kTable; }
};

} // namespace wp::detail

#endif // WP_DETAIL_TRAMPOLINES_HPP
