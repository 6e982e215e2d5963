// GET /v1.0/applications and /v1.0/servicePrincipals share their list semantics: $filter on appId, id or
// displayName, $select, the caller's tenant only, and an app without read permission may still look
// itself up by appId (facts 3.1).
#pragma once

#include "graph_authorization.h"
#include "graph_common.h"

#include <map>
#include <string>
#include <string_view>

namespace emu::graph {

/// `objects` is a directory map by object id (applications or servicePrincipals), read under the lock the
/// caller holds; `toJson` renders one object for a collection.
template <class Object, class ToJson>
Response listAppObjects(const Request& request, const AccessTokenClaims& caller,
                        const std::map<std::string, Object, std::less<>>& objects, std::string_view entitySet,
                        std::string_view resource, ToJson toJson) {
    auto filter = parseEqualsFilter(request, {"appId", "id", "displayName"}, resource);
    bool mayReadAll = isAllowed(caller, Operation::ReadApplications);
    if (!mayReadAll && !(filter && filter->property == "appId" && isApplicationItself(caller, filter->value)))
        throwForbidden();

    auto selected = selectedProperties(request);
    nlohmann::json values = nlohmann::json::array();
    for (const auto& [id, object] : objects) {
        if (object.tenantId != caller.tenantId)
            continue;
        if (filter) {
            const std::string& actual = filter->property == "appId" ? object.appId
                                        : filter->property == "id"  ? object.id
                                                                    : object.displayName;
            if (actual != filter->value)
                continue;
        }
        values.push_back(applySelect(toJson(object), selected));
    }
    return Response::json(200, collection(request, entitySet, std::move(values)));
}

} // namespace emu::graph
