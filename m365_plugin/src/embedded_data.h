// The plugin's data files, compiled in at build time (see m365_plugin/cmake/embed_data.cmake).
#pragma once

#include <string_view>

namespace m365::data {

/// m365_plugin/data/permissions.json: app roles per workload, resources, directory roles.
std::string_view permissionsJson();
/// m365_plugin/data/clouds.json: login/Graph hosts and resource ids per national cloud.
std::string_view cloudsJson();

} // namespace m365::data
