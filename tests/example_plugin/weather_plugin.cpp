// The example workload plugin: a toy "weather service" whose API key the host keeps in its secret store.
// It is deliberately small and generic (nothing Microsoft-specific): copy it to start a plugin.
//
//   configure setup   {"city":"Oslo","api_key":"...","units":"metric"}  stores settings + the secret
//   configure remove  {}                                                 forgets both
//   validate          ok / warning / error findings and facts from the stored configuration
//   acquire           a (fake) bearer token derived from the stored API key, for "forecast" or "radar"
#include <wp/plugin.hpp>

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <chrono>
#include <cstdio>
#include <sstream>
#include <string>

namespace {

constexpr const char* kSettingsKey = "settings"; // config store: {"city":...,"units":...}
constexpr const char* kApiKeyKey = "api-key";    // secret store: the API key, never logged

Poco::JSON::Object::Ptr parseObject(std::string_view json, const char* what) {
    try {
        return Poco::JSON::Parser().parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
    } catch (const Poco::Exception&) {
        // Poco's message may quote the input, which can hold the API key: say only what was wrong.
        throw wp::Error(WP_E_INVALID_ARGUMENT, "request.malformed",
                        std::string(what) + " is not a JSON object");
    }
}

std::string toJson(const Poco::JSON::Object& object) {
    std::ostringstream out;
    object.stringify(out);
    return out.str();
}

std::string requiredString(const Poco::JSON::Object& settings, const std::string& name) {
    if (!settings.has(name) || !settings.get(name).isString() || settings.getValue<std::string>(name).empty())
        throw wp::Error(WP_E_INVALID_CONFIG, "config." + name + "_missing",
                        "the setting '" + name + "' is required", "Pass it with --set " + name + "=VALUE.");
    return settings.getValue<std::string>(name);
}

// A stand-in for a real token endpoint: a stable, non-reversible-looking value derived from the key.
std::string fakeToken(const std::string& apiKey, std::string_view resource, int64_t expiresAt) {
    uint64_t hash = 1469598103934665603ull; // FNV-1a
    for (char c : apiKey + "|" + std::string(resource) + "|" + std::to_string(expiresAt))
        hash = (hash ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    char text[32];
    std::snprintf(text, sizeof text, "wx1.%016llx", static_cast<unsigned long long>(hash));
    return text;
}

class WeatherPlugin final : public wp::Plugin {
public:
    WeatherPlugin(const wp::Host& host, std::string_view instanceId)
        : wp::Plugin(host), _instanceId(instanceId) {}

    void configure(const wp::Call& call, std::string_view action, std::string_view settingsJson) override {
        if (action == "setup")
            setup(call, *parseObject(settingsJson, "the settings"));
        else // "remove": the only other declared action (undeclared ones never reach a plugin)
            remove(call);
    }

    void validate(const wp::Call& call, std::string_view /*optionsJson*/) override {
        auto stored = host().config().get(kSettingsKey);
        if (!stored) {
            // An error finding without a throw: the caller gets WP_E_INVALID_CONFIG with this code.
            call.finding(
                {WP_SEVERITY_ERROR, "config.missing", "not set up yet: run configure --action setup"});
            return;
        }
        auto settings = parseObject(stored->value, "the stored settings");
        call.finding({WP_SEVERITY_OK, "config.present", "settings are stored"});
        call.fact("city", settings->getValue<std::string>("city"));
        call.fact("units", settings->getValue<std::string>("units"));
        if (host().secrets().get(kApiKeyKey))
            call.finding({WP_SEVERITY_OK, "secret.present", "the API key is in the secret store"});
        else
            call.finding({WP_SEVERITY_ERROR, "secret.missing", "the API key is missing: run setup again"});
        call.finding({WP_SEVERITY_WARNING, "service.not_contacted",
                      "this example checks only its stored configuration; it contacts no service"});
    }

    // Thread-safe: it only reads the (thread-safe) secret store and touches no member state.
    void acquireCredentials(const wp::Call& call, std::string_view resource, uint32_t /*flags*/) override {
        if (resource.empty())
            resource = "forecast";
        if (resource != "forecast" && resource != "radar")
            throw wp::Error(WP_E_INVALID_ARGUMENT, "resource.unknown",
                            "unknown resource '" + std::string(resource) + "'", "Use 'forecast' or 'radar'.");
        auto apiKey = host().secrets().get(kApiKeyKey);
        if (!apiKey)
            throw wp::Error(WP_E_INVALID_CONFIG, "config.missing",
                            "instance '" + _instanceId + "' is not set up", "Run configure --action setup.");
        auto expiresAt = std::chrono::duration_cast<std::chrono::seconds>(
                             std::chrono::system_clock::now().time_since_epoch() + std::chrono::hours(1))
                             .count();
        call.credential("Bearer", fakeToken(apiKey->value, resource, expiresAt), expiresAt,
                        "weather." + std::string(resource));
    }

private:
    void setup(const wp::Call& call, const Poco::JSON::Object& settings) {
        std::string city = requiredString(settings, "city");
        std::string apiKey = requiredString(settings, "api_key");
        std::string units = settings.optValue<std::string>("units", "metric");
        if (units != "metric" && units != "imperial")
            throw wp::Error(WP_E_INVALID_CONFIG, "config.units_invalid",
                            "units must be 'metric' or 'imperial'");

        call.throwIfCancelled();
        // The secret goes to the secret store only; config refers to it by its key name.
        host().secrets().update(kApiKeyKey, [&](const auto&) { return apiKey; });
        call.event(R"({"event":"step","step":"store_api_key","state":"done"})");

        Poco::JSON::Object stored;
        stored.set("city", city);
        stored.set("units", units);
        stored.set("api_key_secret", kApiKeyKey);
        host().config().update(kSettingsKey, [&](const auto&) { return toJson(stored); });
        call.event(R"({"event":"step","step":"store_settings","state":"done"})");
        host().log(wp::LogLevel::Info, "instance '" + _instanceId + "' set up for " + city);
    }

    void remove(const wp::Call& call) {
        host().config().removeIf(kSettingsKey);
        host().secrets().removeIf(kApiKeyKey);
        call.event(R"({"event":"step","step":"remove","state":"done"})");
        host().log(wp::LogLevel::Info, "instance '" + _instanceId + "' removed");
    }

    std::string _instanceId;
};

const wp_action kActions[] = {
    {"setup", "Store the city, units and API key (the key goes to the secret store)", 0},
    {"remove", "Forget the settings and the API key", 0},
};

} // namespace

WP_DEFINE_PLUGIN(WeatherPlugin, "weather", "Weather Service (example)", "1.0.0",
                 "Example workload plugin: keeps an API key and hands out bearer tokens", kActions)
