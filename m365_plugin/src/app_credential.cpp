#include "app_credential.h"

#include "admin_session.h"
#include "settings.h"

#include <Poco/String.h>

namespace m365 {

std::shared_ptr<AppCredential> AppCredential::load(const wp::Host& host) {
    auto stored = host.config().get(keys::instance);
    if (!stored)
        throw wp::Error(WP_E_NOT_FOUND, "config.not_configured", "This instance is not configured.",
                        "Run configure --action setup first.");
    auto record = InstanceRecord::fromJson(stored->value);
    auto secret = host.secrets().get(record.certificate.secretKey);
    if (!secret)
        throw wp::Error(WP_E_INVALID_CONFIG, "state.credential_missing",
                        "The certificate's private key is missing from the secret store.",
                        "Run configure --action remove with local_only=true, then setup again.");
    auto credential = parseCredentialSecret(secret->value);
    wipeString(secret->value);
    auto transport = makeTransport(record.caFile, "m365-plugin/" + std::string(host.hostName()), record.proxy);
    return std::make_shared<AppCredential>(std::move(record), credential, std::move(transport));
}

AppCredential::AppCredential(InstanceRecord record, const StoredCredential& secret,
                             std::shared_ptr<HttpTransport> transport)
    : _record(std::move(record)), _transport(std::move(transport)),
      _key(SigningKey::fromPem(secret.privateKeyPem.view())),
      _certificate(parseCertificatePem(secret.certificatePem)),
      _client(_transport,
              ConfidentialClientSettings{_record.cloud.authorityFor(_record.tenantId) + "/token",
                                         _record.appId, assertionProfileFromName(_record.assertion)},
              _key, _certificate),
      _cache([this](std::string_view scope, const wp::Call* call) { return _client.acquire(scope, call); }) {}

std::string AppCredential::scopeFor(std::string_view resource) const {
    std::string name = Poco::toLower(Poco::trim(std::string(resource)));
    if (name == "graph" || name == "exchange" || name == "sharepoint")
        return _record.resourceAudience(name) + "/.default";
    std::string scope = Poco::trim(std::string(resource));
    const std::string suffix = "/.default";
    if (scope.rfind("https://", 0) == 0 && scope.size() > suffix.size() + 8 &&
        scope.compare(scope.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        scope.find_first_of(" \t\r\n") == std::string::npos)
        return scope;
    throw wp::Error(WP_E_INVALID_ARGUMENT, "acquire.resource_unknown",
                    "Unknown resource '" + std::string(resource) + "'.",
                    "Use graph, exchange, sharepoint or an explicit scope such as https://host/.default.");
}

bool keyRejected(const wp::Error& error) {
    return error.code() == "aad.AADSTS700027" || error.code() == "aad.AADSTS7000215" ||
           error.code() == "aad.AADSTS700024" || error.code() == "aad.invalid_client";
}

} // namespace m365
