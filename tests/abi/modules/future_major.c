/* A plugin of ABI 2.0 as a 1.x host sees it.  Only the frozen prefix (struct_size, abi_version, id) is
   meaningful across major versions; the rest of the table may have changed, so a host must not touch it.
   The slots where ABI 1.0 keeps its hooks hold functions that abort: calling one fails the test loudly. */
#include <wp/abi.h>

#include <stdlib.h>

typedef struct future_plugin {
    uint32_t struct_size;
    uint32_t abi_version;
    const char* id;
    void (*changed_layout[10])(void);
} future_plugin;

static void not_for_a_1x_host(void) { abort(); }

static const future_plugin table = {
    sizeof(future_plugin),
    (2u << 16) | 0u,
    "future",
    {not_for_a_1x_host, not_for_a_1x_host, not_for_a_1x_host, not_for_a_1x_host, not_for_a_1x_host,
     not_for_a_1x_host, not_for_a_1x_host, not_for_a_1x_host, not_for_a_1x_host, not_for_a_1x_host},
};

WP_EXPORT const wp_plugin* wp_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    return (const wp_plugin*)(const void*)&table;
}
