// The Microsoft 365 workload plugin: one instance per tenant. configure (setup, plan, update, remove, ...),
// validate and acquire-credentials; everything else lives in m365_core.
#include "adopt.h"
#include "app_credential.h"
#include "export_certificate.h"
#include "hazard_pointers.h"
#include "plan.h"
#include "remove.h"
#include "rotate.h"
#include "settings.h"
#include "setup.h"
#include "update.h"
#include "validate.h"

#include <wp/plugin.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

namespace m365 {

class M365Plugin final : public wp::Plugin {
public:
    M365Plugin(const wp::Host& host, std::string_view instanceId)
        : wp::Plugin(host), _instanceId(instanceId) {}

    void configure(const wp::Call& call, std::string_view action, std::string_view settingsJson) override {
        ActionContext context{host(), call, _instanceId};
        // Whatever the action changes, later acquires re-read the configuration.
        struct Reset {
            M365Plugin& plugin;
            ~Reset() { plugin._credential.store(nullptr); }
        } reset{*this};
        if (action == "setup")
            runSetup(context, parseSetupSettings(settingsJson, _instanceId));
        else if (action == "plan")
            runPlanAction(context, settingsJson);
        else if (action == "update")
            runUpdate(context, parseUpdateSettings(settingsJson, _instanceId));
        else if (action == "remove")
            runRemove(context, parseRemoveSettings(settingsJson));
        else if (action == "rotate")
            runRotate(context, parseRotateSettings(settingsJson));
        else if (action == "adopt")
            runAdopt(context, parseAdoptSettings(settingsJson, _instanceId));
        else if (action == "export-certificate")
            runExportCertificate(context, parseExportSettings(settingsJson));
        else
            throw wp::Error(WP_E_UNSUPPORTED, "configure.unknown_action",
                            "The m365 plugin has no action '" + std::string(action) + "'.");
    }

    void validate(const wp::Call& call, std::string_view optionsJson) override {
        runValidate(ActionContext{host(), call, _instanceId}, parseValidateOptions(optionsJson));
    }

    // Thread-safe: the credential is an immutable snapshot read through a hazard-pointer cell (no lock, no
    // reference-count traffic on the hot path); its token cache is lock-free for cached tokens and
    // single-flight for fetches.
    void acquireCredentials(const wp::Call& call, std::string_view resource, uint32_t flags) override {
        bool bypass = (flags & WP_ACQUIRE_BYPASS_CACHE) != 0;
        auto reader = _credential.read();
        std::shared_ptr<AppCredential> loaded;
        AppCredential* credential = reader.get();
        if (credential == nullptr) {
            loaded = loadCredential();
            credential = loaded.get();
        }
        const std::string_view scope = credential->scopeFor(resource); // no allocation on the hot path
        try {
            deliver(call, credential->token(scope, &call, bypass), scope);
        } catch (const wp::Error& e) {
            // Another process may have rotated the certificate: re-read the store and retry once.
            if (!keyRejected(e))
                throw;
            auto fresh = reloadIfChanged(credential->record().certificate.thumbprintSha1);
            if (!fresh)
                throw;
            const std::string_view freshScope = fresh->scopeFor(resource);
            deliver(call, fresh->token(freshScope, &call, bypass), freshScope);
        }
    }

private:
    static void deliver(const wp::Call& call, const TokenLease& lease, std::string_view scope) {
        call.credential(lease->tokenType, lease->token.view(), lease->expiresAt, scope);
    }

    std::shared_ptr<AppCredential> loadCredential() {
        std::lock_guard<std::mutex> lock(_loadMutex);
        if (auto credential = _credential.load())
            return credential;
        auto loaded = AppCredential::load(host());
        _credential.store(loaded);
        return loaded;
    }

    /// The stored credential if its certificate differs from staleThumbprint, else null.
    std::shared_ptr<AppCredential> reloadIfChanged(const std::string& staleThumbprint) {
        std::lock_guard<std::mutex> lock(_loadMutex);
        auto current = _credential.load();
        if (current && current->record().certificate.thumbprintSha1 != staleThumbprint)
            return current; // another thread already reloaded
        auto loaded = AppCredential::load(host());
        if (loaded->record().certificate.thumbprintSha1 == staleThumbprint)
            return nullptr;
        _credential.store(loaded);
        return loaded;
    }

    std::string _instanceId;
    hazard::HazardCell<AppCredential> _credential;
    std::mutex _loadMutex; ///< only for (re)loading the credential from the stores
};

} // namespace m365

namespace {
const wp_action kActions[] = {
    {"setup",
     "Sign in an administrator, create the least-privilege backup application with a certificate, grant and "
     "verify its permissions",
     WP_ACTION_INTERACTIVE},
    {"plan",
     "Show what setup would create (application, permissions, certificate, endpoints, admin roles); "
     "for=update: what update would change (administrator sign-in, reads the tenant); changes nothing",
     WP_ACTION_READ_ONLY | WP_ACTION_INTERACTIVE},
    {"remove",
     "Delete the application from the tenant (administrator sign-in) and forget the instance; "
     "local_only=true "
     "only forgets",
     WP_ACTION_INTERACTIVE},
    {"update",
     "Administrator sign-in: replace an expired or expiring certificate, grant missing and revoke no longer "
     "needed permissions for the selected workloads, verify, commit; for what rotate cannot do",
     WP_ACTION_INTERACTIVE},
    {"rotate",
     "Renew the certificate without an administrator (addKey, switch, removeKey); needs the current "
     "certificate to be valid",
     0},
    {"adopt",
     "Adopt an existing application with your own certificate (PEM or PFX; passwords from a file or the "
     "environment): checks it online, reports missing permissions; replace_certificate=true switches to a "
     "renewed certificate",
     0},
    {"export-certificate",
     "Write the public certificate (PEM, or DER for .cer/.der) to 'output'; never a key",
     WP_ACTION_READ_ONLY},
};
} // namespace

WP_DEFINE_PLUGIN(
    m365::M365Plugin, "m365", "Microsoft 365", "0.1.0",
    "Exchange Online, OneDrive, SharePoint and Teams through a least-privilege Entra application "
    "with a certificate",
    kActions)
