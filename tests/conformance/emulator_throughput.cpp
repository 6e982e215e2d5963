// emulator_throughput: how many client_credentials tokens per second the emulator issues over keep-alive TLS.
//
//   emulator_throughput --emulator build/bin/m365-emulator [--connections N] [--seconds S] [--alg
//   PS256|RS256]
//
// It starts its own emulator (--port 0 --control --replication-delay-ms 0), signs in the seeded Global
// Administrator by device code (approved through the control API), registers an application with a fresh
// self-signed certificate and grants it one Microsoft Graph role, then runs N threads, each with one
// keep-alive HTTPS connection, each request carrying a freshly signed assertion (new jti), as an honest
// client would. Client and server share the machine, so the figure is what a benchmark on this machine can
// count on. Prints one JSON line and one markdown table row. A measurement tool, not a test.
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using SteadyClock = std::chrono::steady_clock;
const std::string kGraphCliClientId = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const std::string kGraphAppId = "00000003-0000-0000-c000-000000000000";

struct Options {
    std::string emulator;
    int connections = 2;
    int seconds = 10;
    std::string alg = "PS256";
};

Options parseOptions(int argc, char** argv) {
    Options options;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc)
                throw std::invalid_argument(arg + " needs a value");
            return argv[++i];
        };
        if (arg == "--emulator")
            options.emulator = value();
        else if (arg == "--connections")
            options.connections = std::stoi(value());
        else if (arg == "--seconds")
            options.seconds = std::stoi(value());
        else if (arg == "--alg")
            options.alg = value();
        else
            throw std::invalid_argument("unknown option " + arg);
    }
    if (options.emulator.empty())
        throw std::invalid_argument("--emulator PATH is required");
    if (options.alg != "PS256" && options.alg != "RS256")
        throw std::invalid_argument("--alg is PS256 or RS256");
    if (options.connections < 1 || options.seconds < 1)
        throw std::invalid_argument("connections, seconds >= 1");
    return options;
}

// ---- crypto (OpenSSL EVP: Poco::JWT has no PS256) ----

template <typename T, void (*Free)(T*)> struct Deleter {
    void operator()(T* p) const { Free(p); }
};
using PKey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using MdCtx = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;

void check(bool ok, const char* what) {
    if (!ok)
        throw std::runtime_error(std::string("openssl: ") + what + " failed");
}

std::string base64(const std::string& bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

std::string base64Url(const std::string& bytes) {
    std::string out = base64(bytes);
    std::replace(out.begin(), out.end(), '+', '-');
    std::replace(out.begin(), out.end(), '/', '_');
    out.erase(out.find_last_not_of('=') + 1);
    return out;
}

std::string digest(const EVP_MD* md, const std::string& data) {
    unsigned char buffer[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    check(EVP_Digest(data.data(), data.size(), buffer, &length, md, nullptr) == 1, "EVP_Digest");
    return std::string(reinterpret_cast<const char*>(buffer), length);
}

// The application's key credential: an RSA-2048 key and a self-signed certificate, in memory only.
struct Credential {
    PKey key;
    std::string certDer;
};

Credential makeCredential() {
    Credential credential{PKey(EVP_RSA_gen(2048)), {}};
    check(credential.key != nullptr, "EVP_RSA_gen");
    X509Ptr cert(X509_new());
    check(cert && X509_set_version(cert.get(), 2) == 1, "X509_set_version");
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), static_cast<long>(std::time(nullptr)));
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -300);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 2L * 24 * 3600);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>("emulator-throughput"), -1, -1, 0);
    check(X509_set_issuer_name(cert.get(), name) == 1, "X509_set_issuer_name");
    check(X509_set_pubkey(cert.get(), credential.key.get()) == 1, "X509_set_pubkey");
    check(X509_sign(cert.get(), credential.key.get(), EVP_sha256()) > 0, "X509_sign");
    unsigned char* der = nullptr;
    const int length = i2d_X509(cert.get(), &der);
    check(length > 0, "i2d_X509");
    credential.certDer.assign(reinterpret_cast<const char*>(der), static_cast<size_t>(length));
    OPENSSL_free(der);
    return credential;
}

std::string signRsa(EVP_PKEY* key, const std::string& input, bool pss) {
    MdCtx ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pkeyCtx = nullptr;
    check(ctx && EVP_DigestSignInit(ctx.get(), &pkeyCtx, EVP_sha256(), nullptr, key) == 1,
          "EVP_DigestSignInit");
    if (pss) {
        check(EVP_PKEY_CTX_set_rsa_padding(pkeyCtx, RSA_PKCS1_PSS_PADDING) == 1, "set PSS padding");
        check(EVP_PKEY_CTX_set_rsa_pss_saltlen(pkeyCtx, RSA_PSS_SALTLEN_DIGEST) == 1, "set PSS salt length");
    }
    size_t length = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    check(EVP_DigestSign(ctx.get(), nullptr, &length, data, input.size()) == 1, "EVP_DigestSign (size)");
    std::string signature(length, '\0');
    check(EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                         input.size()) == 1,
          "EVP_DigestSign");
    signature.resize(length);
    return signature;
}

std::string toJson(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

// A client assertion as Entra documents it: PS256 + x5t#S256, or the older RS256 + x5t; fresh jti every time.
std::string makeAssertion(const Credential& credential, const std::string& alg, const std::string& clientId,
                          const std::string& audience) {
    const bool pss = alg == "PS256";
    Poco::JSON::Object header;
    header.set("alg", alg);
    header.set("typ", "JWT");
    header.set(pss ? "x5t#S256" : "x5t",
               base64Url(digest(pss ? EVP_sha256() : EVP_sha1(), credential.certDer)));
    const auto now = static_cast<Poco::Int64>(std::time(nullptr));
    Poco::JSON::Object claims;
    claims.set("aud", audience);
    claims.set("iss", clientId);
    claims.set("sub", clientId);
    claims.set("jti", Poco::UUIDGenerator::defaultGenerator().createRandom().toString());
    claims.set("nbf", now);
    claims.set("exp", now + 600);
    const std::string signingInput = base64Url(toJson(header)) + "." + base64Url(toJson(claims));
    return signingInput + "." + base64Url(signRsa(credential.key.get(), signingInput, pss));
}

// ---- HTTP over one keep-alive TLS session ----

struct Reply {
    int status = 0;
    std::string body;
    Poco::JSON::Object::Ptr json() const {
        return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
    }
};

std::string formEncode(const std::vector<std::pair<std::string, std::string>>& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty())
            out += '&';
        Poco::URI::encode(name, "!#$&'()*+,/:;=?@[]", out);
        out += '=';
        Poco::URI::encode(value, "!#$&'()*+,/:;=?@[]", out);
    }
    return out;
}

Reply send(Poco::Net::HTTPSClientSession& session, const std::string& method, const std::string& path,
           const std::string& contentType, const std::string& body, const std::string& bearer = {}) {
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    if (!bearer.empty())
        request.set("Authorization", "Bearer " + bearer);
    if (!body.empty() || method == "POST") {
        request.setContentType(contentType);
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    Reply reply;
    reply.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(in, reply.body);
    return reply;
}

Reply expect(Reply reply, int status, const std::string& what) {
    if (reply.status != status)
        throw std::runtime_error(what + " answered " + std::to_string(reply.status) + ": " +
                                 reply.body.substr(0, 300));
    return reply;
}

// ---- the emulator, started and stopped by PID ----

class Emulator {
public:
    explicit Emulator(const std::string& binary)
        : _stateDir(
              std::filesystem::temp_directory_path() /
              ("emulator-throughput-" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString())) {
        std::filesystem::create_directories(_stateDir);
        const std::vector<std::string> args = {
            "--port", "0", "--control", "--replication-delay-ms", "0", "--state-dir", _stateDir.string()};
        _process.emplace(Poco::Process::launch(binary, args, nullptr, &_stdout, nullptr));
        Poco::PipeInputStream out(_stdout);
        std::string line;
        while (std::getline(out, line)) {
            try {
                _ready = Poco::JSON::Parser().parse(line).extract<Poco::JSON::Object::Ptr>();
                if (_ready->has("authority"))
                    return;
            } catch (const Poco::Exception&) { /* not the ready line */
            }
        }
        stop();
        throw std::runtime_error("the emulator exited before printing its ready line");
    }
    ~Emulator() { stop(); }
    Emulator(const Emulator&) = delete;
    Emulator& operator=(const Emulator&) = delete;

    std::string field(const std::string& name) const { return _ready->getValue<std::string>(name); }

private:
    void stop() {
        if (_process) {
            Poco::Process::requestTermination(_process->id());
            _process->wait();
            _process.reset();
        }
        std::error_code ignored;
        std::filesystem::remove_all(_stateDir, ignored);
    }
    std::filesystem::path _stateDir;
    Poco::Pipe _stdout;
    std::optional<Poco::ProcessHandle> _process;
    Poco::JSON::Object::Ptr _ready;
};

struct Target {
    std::string host;
    Poco::UInt16 port = 0;
    Poco::Net::Context::Ptr context;
    std::unique_ptr<Poco::Net::HTTPSClientSession> session() const {
        auto s = std::make_unique<Poco::Net::HTTPSClientSession>(host, port, context);
        s->setKeepAlive(true);
        return s;
    }
};

// Device code for the seeded Global Administrator, approved through the control API.
std::string adminToken(const Target& target, const std::string& tenant) {
    auto session = target.session();
    const std::string base = "/" + tenant + "/oauth2/v2.0/";
    const auto code =
        expect(send(*session, "POST", base + "devicecode", "application/x-www-form-urlencoded",
                    formEncode({{"client_id", kGraphCliClientId},
                                {"scope", "https://graph.microsoft.com/Application.ReadWrite.All "
                                          "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All"}})),
               200, "devicecode")
            .json();
    Poco::JSON::Object approve;
    approve.set("user_code", code->getValue<std::string>("user_code"));
    approve.set("upn", "admin@contoso.onmicrosoft.com");
    expect(send(*session, "POST", "/_emulator/devicecodes/approve", "application/json", toJson(approve)), 200,
           "approve");
    const auto token = expect(send(*session, "POST", base + "token", "application/x-www-form-urlencoded",
                                   formEncode({{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                                               {"client_id", kGraphCliClientId},
                                               {"device_code", code->getValue<std::string>("device_code")}})),
                              200, "device code token");
    return token.json()->getValue<std::string>("access_token");
}

// Registers the application with the certificate, creates its service principal, grants User.Read.All.
std::string registerApplication(const Target& target, const std::string& bearer,
                                const Credential& credential) {
    auto session = target.session();
    Poco::JSON::Object key;
    key.set("type", "AsymmetricX509Cert");
    key.set("usage", "Verify");
    key.set("key", base64(credential.certDer));
    Poco::JSON::Array keys;
    keys.add(key);
    Poco::JSON::Object app;
    app.set("displayName", "emulator throughput");
    app.set("signInAudience", "AzureADMyOrg");
    app.set("keyCredentials", keys);
    const auto created =
        expect(send(*session, "POST", "/v1.0/applications", "application/json", toJson(app), bearer), 201,
               "POST /v1.0/applications")
            .json();
    const std::string appId = created->getValue<std::string>("appId");
    Poco::JSON::Object sp;
    sp.set("appId", appId);
    const auto principal =
        expect(send(*session, "POST", "/v1.0/servicePrincipals", "application/json", toJson(sp), bearer), 201,
               "POST /v1.0/servicePrincipals")
            .json();
    std::string filter;
    Poco::URI::encode("appId eq '" + kGraphAppId + "'", "'=&+ ", filter);
    const auto graph =
        expect(send(*session, "GET", "/v1.0/servicePrincipals?$filter=" + filter, "", "", bearer), 200,
               "GET Graph service principal")
            .json()
            ->getArray("value")
            ->getObject(0);
    const auto roles = graph->getArray("appRoles");
    for (size_t i = 0; i < roles->size(); ++i) {
        const auto role = roles->getObject(static_cast<unsigned>(i));
        if (role->getValue<std::string>("value") != "User.Read.All")
            continue;
        Poco::JSON::Object grant;
        grant.set("principalId", principal->getValue<std::string>("id"));
        grant.set("resourceId", graph->getValue<std::string>("id"));
        grant.set("appRoleId", role->getValue<std::string>("id"));
        expect(send(*session, "POST",
                    "/v1.0/servicePrincipals/" + graph->getValue<std::string>("id") + "/appRoleAssignedTo",
                    "application/json", toJson(grant), bearer),
               201, "POST appRoleAssignedTo");
    }
    return appId;
}

struct WorkerResult {
    long tokens = 0;
    long errors = 0;
    std::string firstError;
    std::vector<double> latenciesMs;
};

void worker(const Target& target, const Credential& credential, const Options& options,
            const std::string& appId, const std::string& tokenPath, const std::string& audience,
            SteadyClock::time_point deadline, WorkerResult& result) {
    auto session = target.session();
    while (SteadyClock::now() < deadline) {
        const auto start = SteadyClock::now();
        try {
            const auto reply =
                send(*session, "POST", tokenPath, "application/x-www-form-urlencoded",
                     formEncode(
                         {{"client_id", appId},
                          {"scope", "https://graph.microsoft.com/.default"},
                          {"client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"},
                          {"client_assertion", makeAssertion(credential, options.alg, appId, audience)},
                          {"grant_type", "client_credentials"}}));
            if (reply.status == 200 && reply.body.find("\"access_token\"") != std::string::npos)
                ++result.tokens;
            else {
                ++result.errors;
                if (result.firstError.empty())
                    result.firstError = std::to_string(reply.status) + " " + reply.body.substr(0, 200);
            }
        } catch (const Poco::Exception& e) {
            ++result.errors;
            if (result.firstError.empty())
                result.firstError = e.displayText();
            session = target.session();
        }
        result.latenciesMs.push_back(
            std::chrono::duration<double, std::milli>(SteadyClock::now() - start).count());
    }
}

double percentile(std::vector<double>& values, double p) {
    if (values.empty())
        return 0.0;
    std::sort(values.begin(), values.end());
    const auto index = static_cast<size_t>(p * static_cast<double>(values.size() - 1));
    return values[index];
}

int run(const Options& options) {
    Poco::Net::initializeSSL();
    Emulator emulator(options.emulator);
    const Poco::URI authority(emulator.field("authority"));
    Poco::Net::Context::Params params;
    params.caLocation = emulator.field("ca_file");
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = false;
    Target target{authority.getHost(), authority.getPort(),
                  new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params)};
    target.context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    Poco::Net::SSLManager::instance().initializeClient(
        nullptr, new Poco::Net::RejectCertificateHandler(false), target.context);

    const std::string tenant = emulator.field("tenant_id");
    const Credential credential = makeCredential();
    const std::string appId = registerApplication(target, adminToken(target, tenant), credential);
    const std::string tokenPath = "/" + tenant + "/oauth2/v2.0/token";
    const std::string audience = emulator.field("authority") + tokenPath;

    const auto deadline = SteadyClock::now() + std::chrono::seconds(options.seconds);
    const auto started = SteadyClock::now();
    std::vector<WorkerResult> results(static_cast<size_t>(options.connections));
    std::vector<std::thread> threads;
    for (auto& result : results)
        threads.emplace_back(worker, std::cref(target), std::cref(credential), std::cref(options),
                             std::cref(appId), std::cref(tokenPath), std::cref(audience), deadline,
                             std::ref(result));
    for (auto& thread : threads)
        thread.join();
    const double elapsed = std::chrono::duration<double>(SteadyClock::now() - started).count();

    WorkerResult total;
    for (auto& result : results) {
        total.tokens += result.tokens;
        total.errors += result.errors;
        if (total.firstError.empty())
            total.firstError = result.firstError;
        total.latenciesMs.insert(total.latenciesMs.end(), result.latenciesMs.begin(),
                                 result.latenciesMs.end());
    }
    const double perSecond = static_cast<double>(total.tokens) / elapsed;
    const double p50 = percentile(total.latenciesMs, 0.50);
    const double p99 = percentile(total.latenciesMs, 0.99);
    Poco::JSON::Object line;
    line.set("tool", "emulator_throughput");
    line.set("alg", options.alg);
    line.set("connections", options.connections);
    line.set("seconds", elapsed);
    line.set("tokens", total.tokens);
    line.set("errors", total.errors);
    line.set("tokens_per_second", perSecond);
    line.set("p50_ms", p50);
    line.set("p99_ms", p99);
    std::cout << toJson(line) << "\n";
    std::printf("| %s | %d | %.1f | %ld | %ld | %.0f | %.2f | %.2f |\n", options.alg.c_str(),
                options.connections, elapsed, total.tokens, total.errors, perSecond, p50, p99);
    if (!total.firstError.empty())
        std::cerr << "first error: " << total.firstError << "\n";
    Poco::Net::uninitializeSSL();
    return total.errors == 0 && total.tokens > 0 ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    try {
        return run(parseOptions(argc, argv));
    } catch (const Poco::Exception& e) {
        std::cerr << "emulator_throughput: " << e.displayText() << "\n";
    } catch (const std::exception& e) {
        std::cerr << "emulator_throughput: " << e.what() << "\n";
    }
    return 2;
}
