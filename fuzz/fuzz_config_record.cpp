// Fuzzes the decoders of what the plugin stored earlier and reads back: the instance record, the
// operation journal and the credential secret (a store can be corrupted or truncated on disk).
// Contract: a corrupt record is a wp::Error with a stable code ("state.instance_corrupt",
// "state.schema_unsupported", "journal.corrupt", "state.credential_corrupt"); a record that decodes
// encodes again and decodes to the same text (no silent loss on the next write).
#include "instance_record.h"
#include "journal.h"

#include <wp/error.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

namespace {

/// Longer than any honest message, so containing the whole input means it was echoed.
constexpr std::size_t kEchoLength = 400;

void checkCode(const wp::Error& error) {
    if (error.code().empty())
        std::abort();
}

void instanceRecord(std::string_view text) {
    try {
        auto record = m365::InstanceRecord::fromJson(text);
        auto encoded = record.toJson();
        if (m365::InstanceRecord::fromJson(encoded).toJson() != encoded)
            std::abort(); // what we write must read back unchanged
        (void)record.permissionNames("graph");
    } catch (const wp::Error& e) {
        checkCode(e);
    }
}

void journal(const std::string& text) {
    try {
        auto entry = m365::JournalEntry::fromJson(text);
        auto encoded = entry.toJson();
        if (m365::JournalEntry::fromJson(encoded).toJson() != encoded)
            std::abort();
    } catch (const wp::Error& e) {
        checkCode(e);
    }
}

void credential(std::string_view text) {
    try {
        auto stored = m365::parseCredentialSecret(text);
        (void)stored.privateKeyPem.view();
    } catch (const wp::Error& e) {
        checkCode(e);
        // The secret text holds a private key: never in a message.
        if (text.size() > kEchoLength && std::string(e.what()).find(text) != std::string::npos)
            std::abort();
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size < 1)
        return 0;
    std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
    switch (data[0] % 4) {
    case 0:
        instanceRecord(text);
        break;
    case 1:
        journal(text);
        break;
    case 2:
        credential(text);
        break;
    default:
        (void)m365::parseIsoTime(text);
        break;
    }
    return 0;
}
