// emulator_throughput: how many client_credentials tokens per second the emulator issues over keep-alive TLS.
//
//   emulator_throughput [--emulator PATH] [--connections N] [--seconds S] [--alg PS256|RS256]
//
// It starts its own emulator (wptest::EmulatorProcess: --port 0 --control --replication-delay-ms 0; PATH
// defaults to this build tree's m365-emulator, stopped by PID at the end), signs in the seeded Global
// Administrator by device code (approved through the control API), registers an application with a fresh
// self-signed certificate and grants it one Microsoft Graph role, then runs N threads, each with one
// keep-alive HTTPS connection, each request carrying a freshly signed assertion (new jti), as an honest
// client would. Client and server share the machine, so the figure is what a benchmark on this machine can
// count on; the emulator's and the client's CPU milliseconds per token are printed too, since they do not
// depend on what else the machine is doing. Prints one JSON line and one markdown table row (alg,
// connections, seconds, tokens, errors, tokens/s, p50 ms, p99 ms, emulator CPU ms/token, client CPU
// ms/token, 1-minute load average at start). A measurement tool, not a test.
#include "throughput_assertion.h"
#include "throughput_http.h"

#include "emulator_process.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

namespace {

using emu::bench::base64;
using emu::bench::Credential;
using emu::bench::formEncode;
using emu::bench::makeAssertion;
using emu::bench::makeCredential;
using emu::bench::send;
using emu::bench::Target;
using emu::bench::toJson;
using SteadyClock = std::chrono::steady_clock;
const std::string kGraphCliClientId = "14d82eec-204b-4c2f-b7e8-296a70dab67e";
const std::string kGraphAppId = "00000003-0000-0000-c000-000000000000";

struct Options {
    std::string emulator; ///< empty: this build tree's (wptest::defaultEmulatorPath)
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
    if (options.alg != "PS256" && options.alg != "RS256")
        throw std::invalid_argument("--alg is PS256 or RS256");
    if (options.connections < 1 || options.seconds < 1)
        throw std::invalid_argument("connections, seconds >= 1");
    return options;
}

nlohmann::json expectOk(const wptest::HttpResult& result, const std::string& what) {
    if (result.status < 200 || result.status > 299)
        throw std::runtime_error(what + " answered " + std::to_string(result.status) + ": " +
                                 result.body.substr(0, 300));
    return result.json();
}

// Device code for the seeded Global Administrator, approved through the control API.
std::string adminToken(const wptest::EmulatorProcess& emulator) {
    const auto client = emulator.client();
    const std::string base = "/" + emulator.tenantId() + "/oauth2/v2.0/";
    const auto code =
        expectOk(client.postForm(base + "devicecode",
                                 {{"client_id", kGraphCliClientId},
                                  {"scope", "https://graph.microsoft.com/Application.ReadWrite.All "
                                            "https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All"}}),
                 "devicecode");
    emulator.approve(code["user_code"], "admin@" + emulator.tenantDomain());
    return expectOk(
        client.postForm(base + "token", {{"grant_type", "urn:ietf:params:oauth:grant-type:device_code"},
                                         {"client_id", kGraphCliClientId},
                                         {"device_code", code["device_code"]}}),
        "device code token")["access_token"];
}

// Registers the application with the certificate, creates its service principal, grants User.Read.All.
std::string registerApplication(const wptest::EmulatorProcess& emulator, const std::string& bearer,
                                const Credential& credential) {
    const auto client = emulator.client();
    const std::map<std::string, std::string> auth = {{"Authorization", "Bearer " + bearer}};
    const nlohmann::json key = {
        {"type", "AsymmetricX509Cert"}, {"usage", "Verify"}, {"key", base64(credential.certDer)}};
    const auto app = expectOk(client.postJson("/v1.0/applications",
                                              {{"displayName", "emulator throughput"},
                                               {"signInAudience", "AzureADMyOrg"},
                                               {"keyCredentials", nlohmann::json::array({key})}},
                                              auth),
                              "POST /v1.0/applications");
    const auto principal =
        expectOk(client.postJson("/v1.0/servicePrincipals", {{"appId", app["appId"]}}, auth),
                 "POST /v1.0/servicePrincipals");
    std::string filter;
    Poco::URI::encode("appId eq '" + kGraphAppId + "'", "'=&+ ", filter);
    const auto graph = expectOk(client.get("/v1.0/servicePrincipals?$filter=" + filter, auth),
                                "GET Graph service principal")["value"][0];
    for (const auto& role : graph["appRoles"])
        if (role["value"] == "User.Read.All")
            expectOk(client.postJson("/v1.0/servicePrincipals/" + graph["id"].get<std::string>() +
                                         "/appRoleAssignedTo",
                                     {{"principalId", principal["id"]},
                                      {"resourceId", graph["id"]},
                                      {"appRoleId", role["id"]}},
                                     auth),
                     "POST appRoleAssignedTo");
    return app["appId"];
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

// CPU seconds (user + system, all threads) a process has used so far: fields 14 and 15 of /proc/<pid>/stat.
// Client and emulator share two cores with whatever else runs, so tokens per second alone depends on the
// machine's load; CPU milliseconds per token do not, and tell what the emulator could do on an idle core.
double cpuSeconds(const std::string& pid) {
    std::ifstream in("/proc/" + pid + "/stat");
    std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(stat.substr(stat.rfind(')') + 2)); // after "pid (comm) "; next is field 3
    std::string field;
    double ticks = 0;
    for (int index = 3; index <= 15 && fields >> field; ++index)
        if (index >= 14)
            ticks += std::stod(field);
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

std::string loadAverage() {
    std::ifstream in("/proc/loadavg");
    std::string oneMinute;
    in >> oneMinute;
    return oneMinute;
}

int run(const Options& options) {
    Poco::Net::initializeSSL();
    wptest::EmulatorProcess::Options emulatorOptions;
    if (!options.emulator.empty())
        emulatorOptions.executable = options.emulator;
    emulatorOptions.replicationDelayMs = 0;
    wptest::EmulatorProcess emulator(emulatorOptions); // stopped by PID when it goes out of scope
    const Poco::URI authority(emulator.authority());
    Poco::Net::Context::Params params;
    params.caLocation = emulator.caFile();
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.loadDefaultCAs = false;
    Target target{authority.getHost(), authority.getPort(),
                  new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params)};
    target.context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    Poco::Net::SSLManager::instance().initializeClient(
        nullptr, new Poco::Net::RejectCertificateHandler(false), target.context);

    const Credential credential = makeCredential();
    const std::string appId = registerApplication(emulator, adminToken(emulator), credential);
    const std::string tokenPath = "/" + emulator.tenantId() + "/oauth2/v2.0/token";
    const std::string audience = emulator.authority() + tokenPath;

    const std::string emulatorPid = std::to_string(emulator.process().pid());
    const std::string load = loadAverage();
    const double emulatorCpuBefore = cpuSeconds(emulatorPid);
    const double clientCpuBefore = cpuSeconds("self");
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
    const double emulatorCpu = cpuSeconds(emulatorPid) - emulatorCpuBefore;
    const double clientCpu = cpuSeconds("self") - clientCpuBefore;

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
    const double tokens = static_cast<double>(std::max(total.tokens, 1L));
    const double emulatorCpuMs = 1000.0 * emulatorCpu / tokens;
    const double clientCpuMs = 1000.0 * clientCpu / tokens;
    line.set("emulator_cpu_ms_per_token", emulatorCpuMs);
    line.set("client_cpu_ms_per_token", clientCpuMs);
    line.set("load_average_1min_at_start", load);
    std::cout << toJson(line) << "\n";
    std::printf("| %s | %d | %.1f | %ld | %ld | %.0f | %.2f | %.2f | %.2f | %.2f | %s |\n",
                options.alg.c_str(), options.connections, elapsed, total.tokens, total.errors, perSecond, p50,
                p99, emulatorCpuMs, clientCpuMs, load.c_str());
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
