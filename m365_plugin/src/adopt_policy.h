// What differs for an application the plugin adopted instead of creating (instance record origin "adopt"):
// the identity team owns it. remove only forgets it unless told delete_application=true, and rotate adds a
// self-generated certificate only when the owner allowed it at adopt time (allow_self_rotation=true);
// otherwise the renewed certificate comes from the owner's PKI and is imported with
// `configure --action adopt --set replace_certificate=true ...`, which validate's reminders say.
#pragma once

#include "instance_record.h"

#include <string>

namespace m365 {

bool isAdopted(const InstanceRecord& record);

/// The command line that imports a renewed certificate, for messages and hints.
std::string importRenewedCertificateCommand();

/// Throws wp::Error(WP_E_PERMISSION_DENIED, "rotate.not_allowed") for an adopted application whose owner
/// did not allow self-rotation, and wp::Error(WP_E_INVALID_CONFIG, "rotate.application_unknown") for one
/// whose object id or certificate keyId could not be read at adopt time (addKey/removeKey need them).
void refuseUnlessSelfRotationAllowed(const InstanceRecord& record);

} // namespace m365
