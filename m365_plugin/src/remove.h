// configure --action remove: deletes the application from the tenant (admin sign-in) and forgets the
// instance locally; with local_only=true only forgets (the application stays in the tenant).
#pragma once

#include "settings.h"
#include "setup.h"

namespace m365 {

void runRemove(const ActionContext& context, const RemoveSettings& settings);

} // namespace m365
