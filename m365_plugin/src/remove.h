// configure --action remove: deletes the application from the tenant (admin sign-in) and forgets the
// instance locally; with local_only=true only forgets (the application stays in the tenant). An ADOPTED
// application (adopt_policy.h) belongs to the identity team: by default remove only forgets it, and deletes
// it only with delete_application=true. The result event says which happened:
// {"event":"result","action":"remove","removed":true,"local_only":...,"application_deleted":...[,"reason"]}.
#pragma once

#include "settings.h"
#include "setup.h"

namespace m365 {

void runRemove(const ActionContext& context, const RemoveSettings& settings);

} // namespace m365
