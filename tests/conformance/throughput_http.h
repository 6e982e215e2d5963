// HTTP for emulator_throughput: one request/response over a keep-alive HTTPS session, form encoding, and
// the emulator's address with the TLS context that trusts only its CA.
#pragma once

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPSClientSession.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace emu::bench {

struct Reply {
    int status = 0;
    std::string body;
};

/// application/x-www-form-urlencoded, in the given order
std::string formEncode(const std::vector<std::pair<std::string, std::string>>& fields);

/// Sends one request on the session (kept alive) and reads the whole answer.
Reply send(Poco::Net::HTTPSClientSession& session, const std::string& method, const std::string& path,
           const std::string& contentType, const std::string& body, const std::string& bearer = {});

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

} // namespace emu::bench
