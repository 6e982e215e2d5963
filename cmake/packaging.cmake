# Installation and the Debian package (issue 8).
#   <prefix>/bin/host_stub                          the stub host
#   <prefix>/lib/wp-plugins/libm365_plugin.so       plugin modules (host_stub finds them without --plugin)
#   <prefix>/include/wp/*.h, *.hpp                  the plugin API
#   <prefix>/lib/cmake/wp_plugin_api/               find_package(wp_plugin_api CONFIG): wp::plugin_api,
#                                                   wp::host_api, wp_plugin_add_module(); version = ABI
#                                                   version, compatible within one ABI major (SameMajorVersion)
# `cpack -G DEB` (in the build dir) makes m365-workload-plugin_<version>_<arch>.deb installing under /usr.
include(CMakePackageConfigHelpers)
# Installing (and cpack) only copies what `make build` built; it never rebuilds the whole tree.
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)

set(WP_PLUGIN_INSTALL_DIR "lib/wp-plugins" CACHE STRING "Where plugin modules are installed (below the prefix)")
set(WP_CMAKE_INSTALL_DIR "lib/cmake/wp_plugin_api")

# The package version is the ABI version: a plugin built against 1.x loads in any 1.y host.
file(STRINGS ${PROJECT_SOURCE_DIR}/plugin_api/include/wp/abi.h _wp_abi_lines REGEX "^#define WP_ABI_M(AJOR|INOR) ")
string(REGEX REPLACE ".*WP_ABI_MAJOR ([0-9]+).*" "\\1" WP_ABI_MAJOR_VERSION "${_wp_abi_lines}")
string(REGEX REPLACE ".*WP_ABI_MINOR ([0-9]+).*" "\\1" WP_ABI_MINOR_VERSION "${_wp_abi_lines}")

if(TARGET host_stub)
  install(TARGETS host_stub RUNTIME DESTINATION bin COMPONENT runtime)
endif()
if(TARGET m365_plugin)
  install(TARGETS m365_plugin LIBRARY DESTINATION ${WP_PLUGIN_INSTALL_DIR} COMPONENT runtime)
endif()

# The plugin API for authors: headers, the two interface targets, the version script and its function.
set_target_properties(wp_plugin_api PROPERTIES EXPORT_NAME plugin_api)
set_target_properties(wp_host_api PROPERTIES EXPORT_NAME host_api)
install(TARGETS wp_plugin_api wp_host_api EXPORT wp_plugin_api_targets COMPONENT development)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/plugin_api/include/wp DESTINATION include COMPONENT development)
install(EXPORT wp_plugin_api_targets NAMESPACE wp:: FILE wp_plugin_apiTargets.cmake
        DESTINATION ${WP_CMAKE_INSTALL_DIR} COMPONENT development)
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/package/wp_plugin_apiConfig.cmake.in
  ${CMAKE_BINARY_DIR}/package/wp_plugin_apiConfig.cmake INSTALL_DESTINATION ${WP_CMAKE_INSTALL_DIR}
  PATH_VARS WP_PLUGIN_INSTALL_DIR)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/package/wp_plugin_apiConfigVersion.cmake
  VERSION ${WP_ABI_MAJOR_VERSION}.${WP_ABI_MINOR_VERSION} COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES ${CMAKE_BINARY_DIR}/package/wp_plugin_apiConfig.cmake
              ${CMAKE_BINARY_DIR}/package/wp_plugin_apiConfigVersion.cmake
              ${PROJECT_SOURCE_DIR}/plugin_api/wp_plugin.map
        DESTINATION ${WP_CMAKE_INSTALL_DIR} COMPONENT development)

# CPack: one .deb with everything above (the tests and the emulator install nothing).
set(CPACK_PACKAGE_NAME "m365-workload-plugin")
set(CPACK_PACKAGE_VENDOR "m365 workload plugin project")
set(CPACK_PACKAGE_CONTACT "maintainers <maintainers@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Microsoft 365 workload plugin for backup agents, its plugin API and a stub host")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "admin")
# Runtime library dependencies (Poco, OpenSSL, SQLite, libpq, libqrencode) from the binaries themselves.
find_program(WP_DPKG_SHLIBDEPS dpkg-shlibdeps)
if(WP_DPKG_SHLIBDEPS)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
endif()
set(CPACK_GENERATOR "DEB")
include(CPack)
