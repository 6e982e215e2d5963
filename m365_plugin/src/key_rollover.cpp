#include "key_rollover.h"

#include "encoding.h"
#include "json_util.h"

#include <vector>

namespace m365 {

AppGraph::AppGraph(const std::shared_ptr<HttpTransport>& transport, const InstanceRecord& record,
                   const ConfidentialClient& client, const std::string& runId, const wp::Call* call)
    : _token(client.acquire(record.resourceAudience("graph") + "/.default", call)),
      _graph(transport, record.cloud.graphBase(), _token.token, runId, call) {}

namespace {

/// Whether a keyCredentials entry read from the application is the one addKey was asked to add: same
/// keyId (chosen by us) and, when Graph reports it, the same certificate thumbprint (customKeyIdentifier
/// is the certificate's SHA-1 hash in base64).
bool isAddedKey(const Poco::JSON::Object::Ptr& credential, const CertificateInfo& certificate,
                const std::string& keyId) {
    if (json::optStr(credential, "keyId") != keyId)
        return false;
    auto identifier = json::optStr(credential, "customKeyIdentifier");
    if (identifier.empty())
        return true;
    std::vector<unsigned char> sha1; // the thumbprint is our own upper-case hex
    for (std::size_t i = 0; i + 1 < certificate.thumbprintSha1.size(); i += 2)
        sha1.push_back(
            static_cast<unsigned char>(std::stoul(certificate.thumbprintSha1.substr(i, 2), nullptr, 16)));
    return identifier == base64Standard(sha1.data(), sha1.size());
}

} // namespace

void addKeyCredential(GraphClient& graph, const std::string& applicationObjectId,
                      const CertificateInfo& certificate, const std::string& keyId,
                      const ProofSigner& signer) {
    Poco::JSON::Object::Ptr credential = new Poco::JSON::Object;
    credential->set("type", "AsymmetricX509Cert");
    credential->set("usage", "Verify");
    credential->set("key", certificate.derBase64);
    credential->set("keyId", keyId);
    credential->set("displayName", certificate.subject.substr(0, 90));
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("keyCredential", credential);
    body->set("passwordCredential", Poco::Dynamic::Var());
    auto proof = buildKeyRolloverProof(signer.key, signer.certificate, applicationObjectId);
    body->set("proof", std::string(proof.view()));
    // addKey is not idempotent (a second call with the same keyId is refused): when its answer was lost,
    // read the application's keys before sending it again. An application that may not read itself (403)
    // gets the repeat as before.
    auto findExisting = [&]() -> std::optional<GraphResult> {
        GraphResult found;
        try {
            found = graph.get("/applications/" + applicationObjectId + "?$select=keyCredentials");
        } catch (const ServiceError& e) {
            if (e.httpStatus() == 403 || e.httpStatus() == 401)
                return std::nullopt;
            throw;
        }
        auto credentials = json::optArray(found.body, "keyCredentials");
        for (unsigned i = 0; credentials && i < credentials->size(); ++i) {
            if (isAddedKey(credentials->getObject(i), certificate, keyId)) {
                found.body = credentials->getObject(i);
                return found;
            }
        }
        return std::nullopt;
    };
    graph.create("/applications/" + applicationObjectId + "/addKey", body, findExisting);
}

std::optional<std::set<std::string>> keyCredentialIds(GraphClient& graph,
                                                      const std::string& applicationObjectId) {
    try {
        auto result = graph.get("/applications/" + applicationObjectId + "?$select=keyCredentials");
        std::set<std::string> ids;
        if (auto credentials = json::optArray(result.body, "keyCredentials")) {
            for (unsigned i = 0; i < credentials->size(); ++i)
                ids.insert(json::optStr(credentials->getObject(i), "keyId"));
        }
        return ids;
    } catch (const ServiceError& e) {
        if (e.httpStatus() == 403 || e.httpStatus() == 401)
            return std::nullopt;
        throw;
    }
}

bool removeKeyCredential(GraphClient& graph, const std::string& applicationObjectId, const std::string& keyId,
                         const ProofSigner& signer) {
    if (auto ids = keyCredentialIds(graph, applicationObjectId); ids && !ids->count(keyId))
        return false;
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object;
    body->set("keyId", keyId);
    auto proof = buildKeyRolloverProof(signer.key, signer.certificate, applicationObjectId);
    body->set("proof", std::string(proof.view()));
    try {
        graph.post("/applications/" + applicationObjectId + "/removeKey", body);
        return true;
    } catch (const ServiceError& e) {
        // Graph answers 400 (or 404) for a keyId that is not on the application: already removed.
        if (e.httpStatus() == 404 ||
            (e.httpStatus() == 400 && std::string(e.what()).find(keyId) != std::string::npos))
            return false;
        throw;
    }
}

} // namespace m365
