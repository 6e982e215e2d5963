// configure --action plan: what an action would do, touching nothing. The setting `for` picks the action:
// "setup" (default; reads nothing remote) or "update" (signs the admin in and reads the tenant, writes
// nothing).
#pragma once

#include "setup.h"

#include <string_view>

namespace m365 {

void runPlanAction(const ActionContext& context, std::string_view settingsJson);

} // namespace m365
