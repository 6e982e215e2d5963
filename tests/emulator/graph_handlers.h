// Internal wiring of the Graph endpoints: every route goes through addGraphRoute, which authenticates the
// bearer token and turns GraphError into Graph's error body; each graph_*.cpp registers its own routes.
#pragma once

#include "context.h"
#include "router.h"
#include "tokens.h"

#include <functional>
#include <string>

namespace emu::graph {

/// A Graph handler receives the request and the verified claims of its bearer token.
using GraphHandler = std::function<Response(const Request&, const AccessTokenClaims&)>;

/// Registers `pattern` (e.g. "/v1.0/applications/{id}") for `method`; the stats key is "METHOD pattern".
void addGraphRoute(Router& router, ServiceContext& context, const std::string& method,
                   const std::string& pattern, GraphHandler handler);

/// Runs `handler` with Graph's error mapping but without authentication ($batch authenticates each
/// inner request itself).
Response withGraphErrors(const Request& request, const std::function<Response()>& handler);

void registerApplicationRoutes(Router& router, ServiceContext& context);      // graph_applications.cpp
void registerKeyRolloverRoutes(Router& router, ServiceContext& context);      // graph_key_rollover.cpp
void registerServicePrincipalRoutes(Router& router, ServiceContext& context); // graph_service_principals.cpp
void registerAppRoleAssignmentRoutes(Router& router,
                                     ServiceContext& context);             // graph_app_role_assignments.cpp
void registerOrganizationRoutes(Router& router, ServiceContext& context);  // graph_organization.cpp
void registerDirectoryRoleRoutes(Router& router, ServiceContext& context); // graph_directory_roles.cpp
void registerBatchRoute(Router& router, ServiceContext& context);          // graph_batch.cpp

} // namespace emu::graph
