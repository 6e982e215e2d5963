// instance_cloning.cpp -- clone and export (see benches.h).
//
// Why clone instead of running setup 1,000 times: setup creates an application per instance in the
// tenant (seconds each, most of it key generation); the client-side figures (cache, cold token, memory
// per instance) do not depend on which application an instance uses.  The copies go through the store's
// own API, so each secret is sealed again for its new (instance, key, revision).
#include "benches.h"
#include "host_setup.h"
#include "json_line.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace wpbench {

std::string cloneName(const std::string& prefix, long index) {
    char digits[24];
    std::snprintf(digits, sizeof digits, "%04ld", index);
    return prefix + digits;
}

namespace {

void copyStore(const wphost::InstanceStore& from, const wphost::InstanceStore& to,
               const std::string& assertion) {
    for (const std::string& key : from.list("")) {
        auto value = from.get(key);
        if (!value)
            continue;
        std::string bytes = value->value.bytes();
        if (!assertion.empty() && key == "instance") {
            const std::string ps256 = "\"assertion\":\"PS256\"";
            auto at = bytes.find(ps256);
            if (at == std::string::npos)
                throw std::runtime_error("the instance record names no PS256 assertion profile to rewrite");
            bytes.replace(at, ps256.size(), "\"assertion\":\"" + assertion + "\"");
        }
        auto existing = to.get(key);
        auto outcome = to.putIf(key, existing ? existing->revision : WP_REVISION_ABSENT, bytes);
        std::fill(bytes.begin(), bytes.end(), '\0');
        if (!outcome.written)
            throw std::runtime_error("store conflict while cloning key '" + key + "'");
    }
}

void writePrivateFile(const std::string& path, const std::string& content) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0)
        throw std::runtime_error("cannot create " + path);
    std::size_t written = 0;
    while (written < content.size()) {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n <= 0) {
            ::close(fd);
            throw std::runtime_error("cannot write " + path);
        }
        written += static_cast<std::size_t>(n);
    }
    ::close(fd);
}

} // namespace

int runClone(const Options& options) {
    BenchHost host = openHost(options);
    const std::string pluginId = host.module().id();
    const std::string from = options.text("from");
    const std::string single = options.text("to", "");
    const std::string prefix = single.empty() ? options.text("to-prefix") : single;
    const long count = single.empty() ? options.number("count", 1) : 1;
    const std::string assertion = options.text("assertion", "");
    const auto& store = host.store();
    uint64_t start = nowNs();
    for (long i = 0; i < count; ++i) {
        const std::string name = single.empty() ? cloneName(prefix, i) : single;
        copyStore(store.configStore(pluginId, from), store.configStore(pluginId, name), assertion);
        copyStore(store.secretStore(pluginId, from), store.secretStore(pluginId, name), "");
    }
    JsonLine("clone")
        .add("from", from)
        .add("prefix", prefix)
        .add("count", static_cast<double>(count))
        .add("seconds", static_cast<double>(nowNs() - start) / 1e9)
        .print();
    return 0;
}

int runExport(const Options& options) {
    BenchHost host = openHost(options);
    const std::string pluginId = host.module().id();
    const std::string instance = options.text("instance");
    const std::string out = options.text("out");
    auto config = host.store().configStore(pluginId, instance);
    auto secrets = host.store().secretStore(pluginId, instance);
    auto record = config.get("instance");
    if (!record)
        throw std::runtime_error("instance '" + instance + "' is not configured");
    writePrivateFile(out + "/instance.json", record->value.bytes());
    auto keys = secrets.list("credential.");
    if (keys.size() != 1)
        throw std::runtime_error("expected exactly one credential secret");
    auto secret = secrets.get(keys.front());
    writePrivateFile(out + "/credential.json", secret->value.bytes());
    JsonLine("export").add("instance", instance).print();
    return 0;
}

} // namespace wpbench
