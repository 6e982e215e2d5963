// The proof-of-possession JWT of addKey / removeKey (facts 3.7): signed (RS256 or PS256) by a currently
// valid key credential of the application, aud 00000002-0000-0000-c000-000000000000 (Azure AD Graph),
// iss = the application's OBJECT id, nbf and exp present, exp - nbf <= 10 minutes, now within them.
#pragma once

#include "directory.h"

#include <string_view>

namespace emu::graph {

/// Maximum proof lifetime and the clock skew tolerated on nbf/exp.
inline constexpr std::int64_t kMaxProofLifetimeSeconds = 600;
inline constexpr std::int64_t kProofClockSkewSeconds = 300;

/// Throws GraphError 401 Authentication_MissingOrMalformed when the proof is not acceptable (Graph's
/// answer to malformed proofs, including '=' padding in a segment). The message never contains the proof.
void verifyProof(std::string_view proof, const Application& application, TimePoint now);

} // namespace emu::graph
