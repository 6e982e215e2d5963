/* An older, shorter plugin table: it ends after destroy (struct_size says so), as a table from before
   configure/validate/acquire_credentials existed would.  The memory after it holds "poison" hooks; the
   loader must not copy them (it zero-fills past struct_size), so the host sees NULL = unsupported. */
#include <wp/abi.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

struct wp_instance {
    int unused;
};

static wp_status create(const wp_host* host, const char* instance_id, wp_instance** out, wp_error* error) {
    (void)host;
    (void)instance_id;
    (void)error;
    *out = (wp_instance*)malloc(sizeof(wp_instance));
    return *out != NULL ? WP_OK : WP_E_INTERNAL;
}

static void destroy(wp_instance* instance) { free(instance); }

static wp_status poison(const wp_call* call) {
    strcpy(call->error->code, "poison.called");
    return WP_E_INTERNAL;
}
static wp_status poison_configure(wp_instance* i, const wp_call* call, const char* json, size_t len) {
    (void)i;
    (void)json;
    (void)len;
    return poison(call);
}
static wp_status poison_validate(wp_instance* i, const wp_call* call, const char* json, size_t len) {
    (void)i;
    (void)json;
    (void)len;
    return poison(call);
}
static wp_status poison_acquire(wp_instance* i, const wp_call* call, const wp_credential_request* request) {
    (void)i;
    (void)request;
    return poison(call);
}

static const wp_action actions[] = {{"setup", "Set up", 0}};

static const wp_plugin table = {
    offsetof(wp_plugin, configure), /* the table "ends" after destroy */
    WP_ABI_VERSION,
    "short",
    "Short table",
    "0.9.0",
    "a table from before the configure/validate/acquire hooks",
    actions,
    1,
    create,
    destroy,
    poison_configure,
    poison_validate,
    poison_acquire,
};

WP_EXPORT const wp_plugin* wp_plugin_entry(uint32_t host_abi_version) {
    (void)host_abi_version;
    return &table;
}
