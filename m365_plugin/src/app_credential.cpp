#include "app_credential.h"

#include "admin_session.h"
#include "settings.h"

namespace m365 {

namespace {

/// The resources acquire-credentials knows by name (lower case), in _wellKnownScopes' order.
constexpr std::array<std::string_view, 3> kWellKnownResources = {"graph", "exchange", "sharepoint"};

bool isBlank(char c) {
    return c == ' ' || (c >= '\t' && c <= '\r'); // what Poco::trim removes
}

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && isBlank(text.front()))
        text.remove_prefix(1);
    while (!text.empty() && isBlank(text.back()))
        text.remove_suffix(1);
    return text;
}

/// ASCII case-insensitive equality with a lower-case name.
bool equalsLowerCase(std::string_view text, std::string_view lowerName) {
    if (text.size() != lowerName.size())
        return false;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
        if (c != lowerName[i])
            return false;
    }
    return true;
}

} // namespace

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
    auto transport =
        makeTransport(record.caFile, "m365-plugin/" + std::string(host.hostName()), record.proxy);
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
      _cache([this](std::string_view scope, const wp::Call* call) { return _client.acquire(scope, call); }) {
    for (std::size_t i = 0; i < kWellKnownResources.size(); ++i)
        _wellKnownScopes[i] = _record.resourceAudience(std::string(kWellKnownResources[i])) + "/.default";
}

std::string_view AppCredential::scopeFor(std::string_view resource) const {
    const std::string_view name = trimmed(resource);
    for (std::size_t i = 0; i < kWellKnownResources.size(); ++i)
        if (equalsLowerCase(name, kWellKnownResources[i]))
            return _wellKnownScopes[i];
    constexpr std::string_view kSuffix = "/.default";
    if (name.starts_with("https://") && name.size() > kSuffix.size() + 8 && name.ends_with(kSuffix) &&
        name.find_first_of(" \t\r\n") == std::string_view::npos)
        return name;
    throw wp::Error(WP_E_INVALID_ARGUMENT, "acquire.resource_unknown",
                    "Unknown resource '" + std::string(resource) + "'.",
                    "Use graph, exchange, sharepoint or an explicit scope such as https://host/.default.");
}

bool keyRejected(const wp::Error& error) {
    return error.code() == "aad.AADSTS700027" || error.code() == "aad.AADSTS7000215" ||
           error.code() == "aad.AADSTS700024" || error.code() == "aad.invalid_client";
}

} // namespace m365
