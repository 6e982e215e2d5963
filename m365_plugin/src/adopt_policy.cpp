#include "adopt_policy.h"

#include <wp/plugin.hpp>

namespace m365 {

bool isAdopted(const InstanceRecord& record) {
    return record.origin == "adopt";
}

std::string importRenewedCertificateCommand() {
    return "configure --action adopt --set replace_certificate=true --set certificate_file=RENEWED.pem "
           "--set key_file=RENEWED.key (or --set pfx_file=RENEWED.pfx)";
}

void refuseUnlessSelfRotationAllowed(const InstanceRecord& record) {
    if (!record.allowSelfRotation)
        throw wp::Error(
            WP_E_PERMISSION_DENIED, "rotate.not_allowed",
            "Application " + record.appId +
                " was adopted and its owners did not allow the plugin to add certificates "
                "(allow_self_rotation=false); the plugin changed nothing.",
            "Import the certificate your identity team renewed: " + importRenewedCertificateCommand() + ".");
    if (isAdopted(record) && (record.applicationObjectId.empty() || record.certificate.keyId.empty()))
        throw wp::Error(WP_E_INVALID_CONFIG, "rotate.application_unknown",
                        "Application " + record.appId +
                            " could not read itself when it was adopted, so its object id or the "
                            "certificate's keyId is unknown and addKey/removeKey cannot be called.",
                        "Import the renewed certificate instead: " + importRenewedCertificateCommand() + ".");
}

} // namespace m365
