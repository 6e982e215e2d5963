# Sanitizers apply to every target (host, plugin, tests, emulator) so that both sides of the ABI are checked.
if(WP_SANITIZE)
  add_compile_options(-fsanitize=${WP_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${WP_SANITIZE})
endif()
