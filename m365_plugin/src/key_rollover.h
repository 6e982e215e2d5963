// The application rolling its own keys (entra-facts 3.7): Graph addKey / removeKey called with the
// application's own app-only token and a proof-of-possession JWT signed by one of its valid certificates.
// No admin and no Graph permission are needed, which is what makes rotation a non-event.
#pragma once

#include "certificate.h"
#include "graph_client.h"
#include "instance_record.h"
#include "token_client.h"

#include <wp/call.hpp>

#include <memory>
#include <optional>
#include <set>
#include <string>

namespace m365 {

/// A Graph client authenticated as the application itself (app-only token from `client`). Not movable:
/// the GraphClient borrows the token member.
class AppGraph {
public:
    AppGraph(const std::shared_ptr<HttpTransport>& transport, const InstanceRecord& record,
             const ConfidentialClient& client, const std::string& runId, const wp::Call* call);
    AppGraph(const AppGraph&) = delete;
    AppGraph& operator=(const AppGraph&) = delete;

    GraphClient& graph() noexcept { return _graph; }

private:
    AccessToken _token;
    GraphClient _graph;
};

/// The key that signs the proof: the private key and the certificate registered on the application.
struct ProofSigner {
    const SigningKey& key;
    const CertificateInfo& certificate;
};

/// POST /applications/{id}/addKey with keyId chosen by us (recorded in the journal beforehand, so an
/// answer lost to a crash cannot leave an unknown key behind). Repeated through the retry policy like a
/// create: after a failure whose outcome is unknown, the application's keyCredentials are read first and a
/// key with this keyId (and the certificate's thumbprint) counts as added.
void addKeyCredential(GraphClient& graph, const std::string& applicationObjectId,
                      const CertificateInfo& certificate, const std::string& keyId,
                      const ProofSigner& signer);

/// The keyIds currently on the application (GET $select=keyCredentials, which the application may read
/// about itself), or nullopt when the answer is refused.
std::optional<std::set<std::string>> keyCredentialIds(GraphClient& graph,
                                                      const std::string& applicationObjectId);

/// POST /applications/{id}/removeKey. Returns false when the key is not (or no longer) on the application.
bool removeKeyCredential(GraphClient& graph, const std::string& applicationObjectId, const std::string& keyId,
                         const ProofSigner& signer);

} // namespace m365
