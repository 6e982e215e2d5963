#include "key_rollover.h"

#include "json_util.h"

namespace m365 {

AppGraph::AppGraph(const std::shared_ptr<HttpTransport>& transport, const InstanceRecord& record,
                   const ConfidentialClient& client, const std::string& runId, const wp::Call* call)
    : _token(client.acquire(record.resourceAudience("graph") + "/.default", call)),
      _graph(transport, record.cloud.graphBase(), _token.token, runId, call) {}

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
    graph.post("/applications/" + applicationObjectId + "/addKey", body);
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
