#include "update_changes.h"

#include <Poco/String.h>

#include <algorithm>

namespace m365 {

namespace {

KeyDecision decideKey(const UpdateInputs& in) {
    const auto& certificate = in.record.certificate;
    KeyDecision decision;
    auto onApplication =
        std::any_of(in.state.keys.begin(), in.state.keys.end(), [&](const AppKeyCredential& k) {
            return !certificate.keyId.empty() && Poco::icompare(k.keyId, certificate.keyId) == 0;
        });
    auto daysLeft = (certificate.notAfter - in.now) / 86400;
    if (certificate.notAfter <= in.now) {
        decision = {true, "expired", "the certificate expired on " + isoTime(certificate.notAfter)};
    } else if (!onApplication) {
        decision = {true, "missing_from_application",
                    "the application no longer holds the certificate (keyId " + certificate.keyId + ")"};
    } else if (!in.secretReadable) {
        decision = {true, "secret_unreadable", "the stored private key cannot be loaded"};
    } else if (daysLeft < in.renewWithinDays) {
        decision = {true, "expiring",
                    "the certificate expires in " + std::to_string(daysLeft) + " day(s), on " +
                        isoTime(certificate.notAfter) + " (renew_within_days " +
                        std::to_string(in.renewWithinDays) + ")"};
    } else {
        decision.detail = "the certificate is valid until " + isoTime(certificate.notAfter);
    }
    return decision;
}

bool sameId(const std::string& a, const std::string& b) {
    return Poco::icompare(a, b) == 0;
}

} // namespace

std::string permissionLabel(const std::string& name, const std::string& resource) {
    return (name.empty() ? std::string("(unnamed role)") : name) + " (" + resource + ")";
}

UpdateChanges compareWithTenant(const UpdateInputs& in) {
    UpdateChanges changes;
    changes.key = decideKey(in);

    std::vector<bool> stillNeeded(in.state.grants.size(), false);
    RoleRefs neededRefs;
    for (const auto& permission : in.needed) {
        neededRefs.insert({Poco::toLower(permission.resourceAppId), Poco::toLower(permission.appRoleId)});
        bool assigned = false;
        for (std::size_t i = 0; i < in.state.grants.size(); ++i) {
            const auto& grant = in.state.grants[i];
            if (sameId(grant.resourceSpId, permission.resourceSpId) &&
                sameId(grant.appRoleId, permission.appRoleId)) {
                if (!assigned)
                    changes.kept.push_back({permission.permission.resource, permission.permission.name,
                                            permission.appRoleId, grant.assignmentId});
                assigned = true;
                stillNeeded[i] = true; // duplicates of a needed role stay: they grant nothing extra
            }
        }
        if (!assigned)
            changes.grants.push_back(permission);
    }
    for (std::size_t i = 0; i < in.state.grants.size(); ++i)
        if (!stillNeeded[i])
            changes.revokes.push_back(in.state.grants[i]);

    RoleRefs declared;
    for (const auto& [appId, roleId] : in.state.requiredResourceAccess)
        declared.insert({Poco::toLower(appId), Poco::toLower(roleId)});
    changes.requiredResourceAccess = declared != neededRefs;
    return changes;
}

} // namespace m365
