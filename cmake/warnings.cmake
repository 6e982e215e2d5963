# One place for the project's warning flags: wp_set_warnings(<target>).
function(wp_set_warnings target)
  target_compile_options(${target} PRIVATE
    -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Wnon-virtual-dtor -Wold-style-cast
    $<$<BOOL:${WP_WERROR}>:-Werror>)
endfunction()
