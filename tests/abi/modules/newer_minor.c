/* A plugin of a later minor version (1.7): its table is longer than this host's wp_plugin (a hook was
   appended).  A 1.0 host must accept it, copy only the part it knows, and still call the hooks it knows. */
#include <wp/abi.h>

#include <stdlib.h>

struct wp_instance {
    int unused;
};

typedef struct newer_plugin {
    wp_plugin v1_0;                                       /* everything a 1.0 host knows */
    wp_status (*appended_in_1_7)(wp_instance* instance); /* a hook a 1.0 host never sees */
} newer_plugin;

static wp_status create(const wp_host* host, const char* instance_id, wp_instance** out, wp_error* error) {
    (void)host;
    (void)instance_id;
    (void)error;
    *out = (wp_instance*)malloc(sizeof(wp_instance));
    return *out != NULL ? WP_OK : WP_E_INTERNAL;
}

static void destroy(wp_instance* instance) { free(instance); }

static wp_status configure(wp_instance* instance, const wp_call* call, const char* json, size_t len) {
    static const char event[] = "{\"event\":\"configured\"}";
    (void)instance;
    (void)json;
    (void)len;
    if (call->output->event != NULL)
        call->output->event(call->output->ctx, event, sizeof event - 1);
    return WP_OK;
}

static wp_status appended(wp_instance* instance) {
    (void)instance;
    abort();
}

static const wp_action actions[] = {{"setup", "Set up", 0}};

static const newer_plugin table = {
    {sizeof(newer_plugin), ((uint32_t)WP_ABI_MAJOR << 16) | 7u, "newer", "Newer minor", "1.7.0",
     "a plugin built against ABI 1.7", actions, 1, create, destroy, configure, NULL, NULL},
    appended,
};

WP_EXPORT const wp_plugin* wp_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    return &table.v1_0;
}
