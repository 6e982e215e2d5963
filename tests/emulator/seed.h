// The directory's starting content: tenants, users with directory roles, public clients. From a JSON
// seed file (--seed, format in docs/emulator.md) or the built-in default (contoso.onmicrosoft.com with
// admin@, pra@, appadmin@ and user@). Every tenant also gets the Microsoft Graph, Exchange Online and
// SharePoint Online resource service principals.
#pragma once

#include "directory.h"

#include <nlohmann/json.hpp>

namespace emu {

/// The built-in seed as JSON (also a complete example of the format).
nlohmann::json defaultSeed();

/// Fills `state` from `seed`; throws std::invalid_argument naming the offending field.
void applySeed(DirectoryState& state, const nlohmann::json& seed, TimePoint now);

} // namespace emu
