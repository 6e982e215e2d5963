// AppCredential::scopeFor: the resource names acquire-credentials accepts and the scope each maps to
// (it runs on every acquire, so it returns views instead of building strings).
#include "app_credential.h"
#include "cloud.h"
#include "support/scripted_transport.h"
#include "support/shared_credential.h"

#include <doctest/doctest.h>

#include <string>

using namespace m365;
using namespace m365test;

namespace {

AppCredential makeCredential() {
    InstanceRecord record;
    record.tenantId = "00000000-0000-0000-0000-000000000001";
    record.cloud = cloudEndpoints("global");
    record.sharepointHost = "contoso.sharepoint.com";
    record.appId = "app-id-1";
    StoredCredential secret;
    secret.privateKeyPem = SecretBuffer(sharedCredential().privateKeyPem);
    secret.certificatePem = sharedCredential().certificate.pem;
    return AppCredential(std::move(record), secret, std::make_shared<ScriptedTransport>());
}

std::string unknownCode(const AppCredential& credential, std::string_view resource) {
    try {
        credential.scopeFor(resource);
    } catch (const wp::Error& e) {
        return e.code();
    }
    return "accepted";
}

} // namespace

TEST_CASE("the well-known resources map to their .default scopes, in any case and with blanks around") {
    AppCredential credential = makeCredential();
    CHECK(credential.scopeFor("graph") == "https://graph.microsoft.com/.default");
    CHECK(credential.scopeFor(" Graph\t") == "https://graph.microsoft.com/.default");
    CHECK(credential.scopeFor("EXCHANGE") == "https://outlook.office365.com/.default");
    CHECK(credential.scopeFor("sharepoint\n") == "https://contoso.sharepoint.com/.default");
    // The same stored scope every time: nothing is built per call.
    CHECK(credential.scopeFor("graph").data() == credential.scopeFor("GRAPH").data());
}

TEST_CASE("an explicit https .default scope is passed through, trimmed") {
    AppCredential credential = makeCredential();
    const std::string resource = "  https://management.azure.com/.default ";
    std::string_view scope = credential.scopeFor(resource);
    CHECK(scope == "https://management.azure.com/.default");
    CHECK(scope.data() == resource.data() + 2); // a view of the caller's text
}

TEST_CASE("anything else is refused as acquire.resource_unknown") {
    AppCredential credential = makeCredential();
    CHECK(unknownCode(credential, "") == "acquire.resource_unknown");
    CHECK(unknownCode(credential, "graphs") == "acquire.resource_unknown");
    CHECK(unknownCode(credential, "gr aph") == "acquire.resource_unknown");
    CHECK(unknownCode(credential, "http://graph.microsoft.com/.default") == "acquire.resource_unknown");
    CHECK(unknownCode(credential, "https://graph.microsoft.com/") == "acquire.resource_unknown");
    CHECK(unknownCode(credential, "https:///.default") == "acquire.resource_unknown");
    CHECK(unknownCode(credential, "https://a b/.default") == "acquire.resource_unknown");
}
