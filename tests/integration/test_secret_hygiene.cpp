// Secret hygiene: setup, validate (online), acquire, rotate and remove through the real stub host at trace
// level, plus the module in-process with a trace logger, and NOTHING secret in what they leave behind:
// stdout/stderr (events, findings, error records), the plugin's log lines, the config store dump and the
// raw SQLite files (database, WAL, rollback journal). Searched for: every JWT (access tokens, the admin
// token, client assertions; by shape), the exact access tokens the emulator issued (captured in-process,
// where the host hands them over), the emulator's device codes (by their fixed prefix), and the private
// keys (PEM armour, their base64 lines and windows of their DER bytes). A positive control proves the
// scanner finds each kind when it is planted.
#include "stub_host.h"

#include <wp/host.hpp>
#include <wp/host_callbacks.hpp>
#include <wphost/host_store.hpp>

#include <Poco/Base64Decoder.h>

#include <doctest/doctest.h>

#include <mutex>
#include <regex>
#include <sstream>

namespace {

/// What must never appear. Exact values are searched as they are; shapes by regular expression.
struct KnownSecrets {
    std::vector<std::string>
        exact; ///< access tokens, their signature segments, key PEM lines and DER windows
};

/// Every JWT: base64url("{\"") starts every header and payload with "eyJ"; three dot-separated segments.
const std::regex kJwtShape(R"(eyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.)");
/// The emulator's device codes (as Microsoft's) start with this fixed prefix; user codes are fine.
constexpr const char* kDeviceCodePrefix = "DAQABIQEAAAD";

/// The hits in text, each as "<what> in <where>" (never the secret itself: the report must not leak).
std::vector<std::string> scan(const std::string& text, const std::string& where, const KnownSecrets& known) {
    std::vector<std::string> hits;
    if (std::regex_search(text, kJwtShape))
        hits.push_back("a JWT in " + where);
    if (text.find(kDeviceCodePrefix) != std::string::npos)
        hits.push_back("a device code in " + where);
    if (text.find("PRIVATE KEY") != std::string::npos)
        hits.push_back("PEM key armour in " + where);
    for (std::size_t i = 0; i < known.exact.size(); ++i)
        if (text.find(known.exact[i]) != std::string::npos)
            hits.push_back("known secret #" + std::to_string(i) + " in " + where);
    return hits;
}

std::string base64Decode(const std::string& text) {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    return std::string(std::istreambuf_iterator<char>(decoder), {});
}

/// The PEM's base64 lines and three 24-byte windows of its DER (start, middle, end): enough to find the
/// key copied in any encoding the plugin could plausibly use (PEM, raw DER).
void addKeyMaterial(const std::string& pem, KnownSecrets& known) {
    std::istringstream lines(pem);
    std::string line, body;
    while (std::getline(lines, line)) {
        if (line.empty() || line.rfind("-----", 0) == 0)
            continue;
        body += line;
        if (line.size() >= 40)
            known.exact.push_back(line);
    }
    std::string der = base64Decode(body);
    REQUIRE(der.size() > 600);
    for (std::size_t at : {std::size_t(40), der.size() / 2, der.size() - 64})
        known.exact.push_back(der.substr(at, 24));
}

/// The module loaded in-process on the host's store with a trace logger: the exact tokens it hands over
/// and everything it logged and reported meanwhile.
struct InProcessRun {
    std::vector<std::string> tokens;
    std::string logged;               ///< log lines, events, findings, facts
    std::vector<std::string> keyPems; ///< the private keys in the secret store
};

InProcessRun runInProcess(m365it::StubHost& host) {
    InProcessRun result;
    std::mutex mutex;
    wphost::HostStore store(wphost::StoreOptions{host.storePath(), host.masterKeyPath()});
    auto module = wp::host::Module::load(WP_M365_MODULE_PATH);
    auto secretStore = store.secretStore(module->id(), host.instance());
    for (const auto& key : secretStore.list("")) {
        auto value = secretStore.get(key);
        REQUIRE(value);
        auto secret = nlohmann::json::parse(value->value.bytes());
        result.keyPems.push_back(secret.at("private_key_pem").get<std::string>());
    }
    wphost::StoreBridge config(store.configStore(module->id(), host.instance()));
    wphost::StoreBridge secrets(store.secretStore(module->id(), host.instance()));
    wp_host services{};
    services.struct_size = sizeof services;
    services.abi_version = WP_ABI_VERSION;
    services.host_name = "secret_hygiene";
    services.config = config.table();
    services.secrets = secrets.table();
    services.log.ctx = &result;
    services.log.min_level = WP_LOG_TRACE;
    services.log.write = [](void* ctx, int32_t, const char* message, std::size_t length) {
        static_cast<InProcessRun*>(ctx)->logged.append(message, length).append("\n");
    };
    wp::host::Instance instance(module, services, host.instance());

    wp::host::Cancellation cancel;
    wp::host::Output output;
    output.onCredential = [&](const wp_credential& credential) {
        std::lock_guard<std::mutex> lock(mutex);
        result.tokens.emplace_back(credential.token, credential.token_len);
    };
    output.onEvent = [&](std::string_view json) {
        std::lock_guard<std::mutex> lock(mutex);
        result.logged.append(json).append("\n");
    };
    output.onFinding = [&](const wp_finding& finding) {
        std::lock_guard<std::mutex> lock(mutex);
        result.logged.append(finding.code ? finding.code : "").append(" ");
        result.logged.append(finding.message ? finding.message : "").append("\n");
    };
    {
        wp::host::CallFrame frame(cancel, output);
        CHECK(instance.validate(frame.call(), "{}") == WP_OK);
    }
    for (const char* resource : {"graph", "sharepoint", "exchange"}) {
        wp::host::CallFrame frame(cancel, output);
        wp_credential_request request{};
        request.struct_size = sizeof request;
        request.resource = resource;
        request.flags = WP_ACQUIRE_BYPASS_CACHE;
        CHECK(instance.acquire(frame.call(), request) == WP_OK);
    }
    return result;
}

} // namespace

TEST_CASE("the scanner finds each kind of planted secret - positive control") {
    KnownSecrets known;
    known.exact.push_back("exact-token-value-1234567890");
    const std::string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl";
    CHECK(scan("nothing here: user code ABCD-EFGH, eyJ alone", "clean", known).empty());
    CHECK(scan("Bearer " + jwt, "log", known).size() == 1);
    CHECK(scan(std::string("device_code=") + kDeviceCodePrefix + "xyz", "log", known).size() == 1);
    CHECK(scan("-----BEGIN PRIVATE KEY-----", "log", known).size() == 1);
    CHECK(scan("...exact-token-value-1234567890...", "log", known).size() == 1);

    // Planted into a real store's config (plain text at rest, like every config value): the raw-file scan
    // sees it, so a leaked token in the config store could not hide from the real scan below.
    wptest::EmulatorProcess emulator(m365it::emulatorOptions(""));
    m365it::StubHost host(emulator, "planted");
    {
        wphost::HostStore store(wphost::StoreOptions{host.storePath(), host.masterKeyPath()});
        wphost::StoreBridge config(store.configStore("m365", host.instance()));
        wp::Store bridge(config.table());
        REQUIRE(bridge.putIf("leak", WP_REVISION_ABSENT, "{\"token\":\"" + jwt + "\"}"));
    }
    auto hits = scan(host.rawStoreBytes(), "the planted store", known);
    CHECK(hits.size() == 1);
}

TEST_CASE("no token, device code, assertion or key material in output, logs, stores or database files") {
    wptest::EmulatorProcess emulator(m365it::emulatorOptions());
    m365it::StubHost host(emulator);
    KnownSecrets known;
    std::vector<std::pair<std::string, std::string>> places; // where -> text, scanned at the end
    auto snapshotStore = [&](const std::string& when) {
        places.emplace_back("the SQLite files " + when, host.rawStoreBytes());
        std::string dump;
        for (const auto& key : host.storedKeys())
            if (key.rfind("config:", 0) == 0)
                dump += key + "=" + host.configValue(key.substr(7)).value_or("") + "\n";
        places.emplace_back("the config store dump " + when, dump);
    };

    auto setup = host.run(host.setupArgs({"workloads=onedrive,sharepoint,exchange"}));
    REQUIRE_MESSAGE(setup.exitCode == 0, setup.err);
    CHECK(setup.err.find("TRACE") != std::string::npos); // the host really logged at trace level
    snapshotStore("after setup");

    auto validate = host.run({"validate"});
    CHECK_MESSAGE(validate.exitCode == 0, validate.out);
    for (const char* resource : {"graph", "sharepoint", "exchange"})
        CHECK(host.run({"acquire", "--resource", resource, "--bypass-cache"}).exitCode == 0);

    // The exact tokens and keys, from the module in-process (the host hands tokens over, never prints them).
    auto inProcess = runInProcess(host);
    REQUIRE(inProcess.tokens.size() == 3);
    for (const auto& token : inProcess.tokens) {
        REQUIRE(token.size() > 100);
        known.exact.push_back(token);
        known.exact.push_back(token.substr(token.rfind('.') + 1)); // the signature alone
    }
    REQUIRE(inProcess.keyPems.size() == 1);
    addKeyMaterial(inProcess.keyPems[0], known);
    places.emplace_back("the in-process log, events and findings", inProcess.logged);
    CHECK_FALSE(inProcess.logged.empty()); // the module did log and report at trace level

    auto rotate = host.run({"configure", "--action", "rotate"});
    REQUIRE_MESSAGE(rotate.exitCode == 0, rotate.err);
    CHECK(host.run({"acquire", "--resource", "graph"}).exitCode == 0);
    auto afterRotation = runInProcess(host);
    REQUIRE(afterRotation.keyPems.size() == 1);
    CHECK(afterRotation.keyPems[0] != inProcess.keyPems[0]);
    addKeyMaterial(afterRotation.keyPems[0], known);
    for (const auto& token : afterRotation.tokens)
        known.exact.push_back(token);
    places.emplace_back("the in-process log after rotation", afterRotation.logged);
    snapshotStore("after rotate");

    // Error records: a refused token request (HTTP 400 with an unreadable body: not retried) and an
    // unknown resource produce error results.
    emulator.addFault({{"method", "POST"},
                       {"path", "*/oauth2/v2.0/token"},
                       {"kind", "malformed"},
                       {"status", 400},
                       {"count", 100}});
    auto refused = host.run({"acquire", "--resource", "graph", "--bypass-cache"});
    CHECK(refused.exitCode != 0);
    emulator.clearFaults();
    CHECK(host.run({"acquire", "--resource", "fax"}).exitCode == WP_E_INVALID_ARGUMENT);

    auto remove = host.run({"configure", "--action", "remove"});
    CHECK_MESSAGE(remove.exitCode == 0, remove.err);
    CHECK(host.run({"acquire", "--resource", "graph"}).exitCode != 0); // not configured: an error record
    snapshotStore("after remove");
    places.emplace_back("stdout and stderr of every host run", host.allOutput());

    std::vector<std::string> hits;
    for (const auto& [where, text] : places)
        for (auto& hit : scan(text, where, known))
            hits.push_back(std::move(hit));
    std::string report;
    for (const auto& hit : hits)
        report += hit + "\n";
    CHECK_MESSAGE(hits.empty(), report);
    CHECK(known.exact.size() > 20);
}
