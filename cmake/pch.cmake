# Precompiled headers for the targets whose translation units share heavy headers (nlohmann/json in the
# emulator and the tests that drive it). On the 2-core CI machine this is the largest part of the build.
option(WP_PCH "Precompile heavy shared headers" ON)

function(wp_precompile target)
  if(WP_PCH)
    target_precompile_headers(${target} PRIVATE <nlohmann/json.hpp> <string> <vector> <map> <optional>
                                                <memory> <functional> <chrono> <algorithm>)
  endif()
endfunction()
