// Validation of keyCredential input as Graph does it (facts 3.6): type AsymmetricX509Cert, usage Verify,
// `key` = standard base64 of a parseable X.509 RSA certificate, UTC dates within the certificate's
// validity, keyId and customKeyIdentifier defaults. Failures throw GraphError with Graph's codes.
#pragma once

#include "directory.h"

#include <nlohmann/json.hpp>

#include <vector>

namespace emu::graph {

/// Builds a new key credential from its JSON. `visibleAt` is when the token endpoint may use it.
KeyCredential parseNewKeyCredential(const nlohmann::json& json, TimePoint visibleAt);

/// PATCH semantics: the given list REPLACES the application's credentials. An entry without `key` whose
/// keyId names an existing credential keeps that credential unchanged (what a client sends back after a
/// GET, where `key` is null); every other entry must be a complete new credential.
std::vector<KeyCredential> parseReplacementKeyCredentials(const nlohmann::json& json,
                                                          const std::vector<KeyCredential>& existing,
                                                          TimePoint visibleAt);

/// true while now is within [startDateTime, endDateTime].
bool isCurrentlyValid(const KeyCredential& credential, TimePoint now);

} // namespace emu::graph
