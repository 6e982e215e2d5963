#include "graph_routes.h"

#include "errors.h"
#include "graph_authorization.h"
#include "graph_common.h"
#include "graph_handlers.h"

namespace emu {

namespace graph {

Response withGraphErrors(const Request& request, const std::function<Response()>& handler) {
    try {
        return handler();
    } catch (const GraphError& error) {
        Response response = graphError(error.status(), error.code(), error.what(), request);
        if (error.status() == 401 && error.code() == "InvalidAuthenticationToken") {
            // Graph names the authority to get a token from (here the emulator itself).
            response.headers["WWW-Authenticate"] =
                "Bearer realm=\"\", authorization_uri=\"" + request.baseUrl +
                "/common/oauth2/authorize\", client_id=\"" + std::string(kGraphAppId) + "\"";
        }
        return response;
    } catch (const nlohmann::json::exception&) {
        // A body that parsed but has members of unexpected types.
        return graphError(400, "BadRequest", messages::kBadJson, request);
    }
}

void addGraphRoute(Router& router, ServiceContext& context, const std::string& method,
                   const std::string& pattern, GraphHandler handler) {
    router.add(method, pattern, [&context, handler = std::move(handler)](const Request& request) {
        return withGraphErrors(request, [&] {
            AccessTokenClaims caller = authenticate(request, context);
            Response response = handler(request, caller);
            // Graph echoes the correlation ids on every answer (errors.h does it for error bodies).
            if (!response.headers.count("request-id"))
                response.headers["request-id"] = request.requestId;
            if (!response.headers.count("client-request-id"))
                response.headers["client-request-id"] =
                    request.header("client-request-id", request.requestId);
            return response;
        });
    });
}

} // namespace graph

void registerGraphRoutes(Router& router, ServiceContext& context) {
    // Literal segments before parameters where both could match (the Router tries routes in order).
    graph::registerBatchRoute(router, context);
    graph::registerKeyRolloverRoutes(router, context);
    graph::registerApplicationRoutes(router, context);
    graph::registerAppRoleAssignmentRoutes(router, context);
    graph::registerServicePrincipalRoutes(router, context);
    graph::registerOrganizationRoutes(router, context);
    graph::registerDirectoryRoleRoutes(router, context);
}

} // namespace emu
