/*
 * wp/abi.h -- the workload-plugin ABI: the only thing that crosses a plugin module's boundary.
 *
 * A host (a backup agent) loads a plugin module (a shared library) that protects one kind of SaaS
 * workload. The module exports ONE symbol, wp_plugin_entry(); everything else is reached through the
 * versioned tables below. C types only: no STL type, allocator, exception or C++ object crosses.
 *
 * RULES (read these four and you know the ABI)
 *   1. Versioning.  Every table begins with struct_size and (where it says so) abi_version.
 *      Major versions must match exactly; a minor version only APPENDS fields at the end of a table.
 *      A reader copies min(struct_size, sizeof(its own struct)) bytes into a zero-filled struct of
 *      its own, so fields an older peer lacks read as 0 / NULL.  A NULL hook means "unsupported".
 *   2. Errors.  Every hook returns a wp_status that tells the caller what to do next.  Details go
 *      into the caller-owned wp_error: a stable dotted code and a user-safe message with a hint.
 *      Secrets (tokens, keys, assertions) never appear in an error or a log line.
 *   3. Ownership.  Every pointer that crosses is BORROWED for the length of one call, in both
 *      directions.  Data flowing back arrives through a callback (wp_sink, wp_output); the receiver
 *      copies what it keeps.  Two exceptions: the wp_plugin table and its strings are static and live
 *      as long as the module; the wp_host passed to create() outlives the instance.
 *   4. Threading.
 *      - configure and validate of one instance are serialized by the host (never two at once).
 *      - acquire_credentials may be called at ANY time, from many threads at once, on the same
 *        instance, also while a configure or validate runs on it (backup jobs keep running during a
 *        certificate rotation).  The plugin makes it thread-safe.
 *      - create/destroy of an instance never overlap any other call on that instance.
 *      - different instances may run fully in parallel.
 *      - the host may request cancellation from any thread; the plugin polls wp_cancel.
 *      - host services (logger, stores) are thread-safe; the plugin calls them only inside a hook,
 *        on the hook's thread.  The plugin starts no thread that outlives a hook.
 *
 * CHANGELOG (append only)
 *   1.0  initial version.
 */
#ifndef WP_ABI_H
#define WP_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define WP_ABI_MAJOR 1
#define WP_ABI_MINOR 0
/* C++ users compile with -Wold-style-cast -Werror, so the casts in these macros are spelled per language. */
#ifdef __cplusplus
#define WP_ABI_U32_(x) static_cast<uint32_t>(x)
#else
#define WP_ABI_U32_(x) ((uint32_t)(x))
#endif
#define WP_ABI_VERSION ((WP_ABI_U32_(WP_ABI_MAJOR) << 16) | WP_ABI_U32_(WP_ABI_MINOR))
#define WP_ABI_VERSION_MAJOR(v) (WP_ABI_U32_(v) >> 16)
#define WP_ABI_VERSION_MINOR(v) (WP_ABI_U32_(v) & 0xFFFFu)

#if defined(_WIN32)
#define WP_EXPORT __declspec(dllexport)
#else
#define WP_EXPORT __attribute__((visibility("default")))
#endif

/* ---- Status codes: what the caller should do next.  The list only grows; unknown => INTERNAL. ---- */
typedef int32_t wp_status;
#define WP_OK 0
#define WP_E_INVALID_ARGUMENT 1 /* the caller's bug: a NULL or malformed argument */
#define WP_E_INVALID_CONFIG 2   /* fix the settings or the stored configuration */
#define WP_E_AUTH_REQUIRED 3    /* a person must sign in: run again interactively (with a prompter) */
#define WP_E_AUTH_FAILED 4      /* sign-in or credential rejected (declined, bad certificate, ...) */
#define WP_E_PERMISSION_DENIED 5 /* signed in, but a role, consent or permission is missing */
#define WP_E_NOT_FOUND 6        /* the instance, key or remote object does not exist */
#define WP_E_CONFLICT 7         /* compare-and-swap lost, or another operation holds the instance */
#define WP_E_UNAVAILABLE 8      /* transient (network, throttling, outage): retry later */
#define WP_E_CANCELLED 9        /* the host asked to stop */
#define WP_E_TIMEOUT 10         /* a deadline passed (e.g. the device code expired) */
#define WP_E_UNSUPPORTED 11     /* hook, action or service not provided */
#define WP_E_INCOMPATIBLE 12    /* ABI or data-format version mismatch */
#define WP_E_INTERNAL 13        /* a bug: report it */

/* Caller-owned error record; the callee fills it on failure (truncating, always NUL-terminated). */
typedef struct wp_error {
    uint32_t struct_size; /* sizeof(wp_error), set by the caller */
    char code[64];        /* stable dotted id: "config.tenant_missing", "aad.AADSTS700027", ... */
    char message[512];    /* user-safe, UTF-8, one or two sentences; never a secret */
    char hint[256];       /* what to do about it, or "" */
} wp_error;

/* ---- Callbacks for data flowing back to the caller ---- */

/* Receives bytes during one call; may be called several times (append).  Receiver copies. */
typedef struct wp_sink {
    void* ctx;
    void (*write)(void* ctx, const char* data, size_t len);
} wp_sink;

/* ---- Host services (the host implements, the plugin calls) ---- */

#define WP_LOG_TRACE 0
#define WP_LOG_DEBUG 1
#define WP_LOG_INFO 2
#define WP_LOG_WARN 3
#define WP_LOG_ERROR 4

typedef struct wp_logger {
    void* ctx;
    /* The plugin formats the message (no varargs cross); the host adds time, plugin and instance. */
    void (*write)(void* ctx, int32_t level, const char* msg, size_t len);
    /* Lowest level the host will print, so the plugin can skip building trace messages. */
    int32_t min_level;
} wp_logger;

#define WP_REVISION_ABSENT 0u          /* put_if: create only if the key is absent */
#define WP_REVISION_ANY UINT64_MAX     /* remove: whatever the current revision */

/*
 * A key-value store scoped to one plugin instance; the config store and the secret store have this
 * same shape.  Keys are 1..128 chars of [a-z0-9._-]; values are opaque bytes (by convention UTF-8
 * JSON) up to 1 MiB.  Each key has a revision: 0 = absent, increasing strictly with every write.
 * The secret store encrypts values at rest and never logs them.  All functions are thread-safe and
 * return WP_OK, WP_E_NOT_FOUND, WP_E_CONFLICT, WP_E_INVALID_ARGUMENT, WP_E_UNAVAILABLE (storage
 * busy or unreachable: nothing was written) or WP_E_INTERNAL (e.g. a record failed authentication),
 * filling *error when it is not NULL.
 */
typedef struct wp_store {
    void* ctx;
    /* Value through *value, revision into *revision.  Missing key: WP_E_NOT_FOUND, *revision = 0. */
    wp_status (*get)(void* ctx, const char* key, const wp_sink* value, uint64_t* revision, wp_error* error);
    /* Compare-and-swap: writes only if the current revision equals expected_revision (0 = absent).
       On success *new_revision is the new revision; on WP_E_CONFLICT it is the current one. */
    wp_status (*put_if)(void* ctx, const char* key, uint64_t expected_revision, const char* value, size_t len,
                        uint64_t* new_revision, wp_error* error);
    /* Deletes if the current revision equals expected_revision (WP_REVISION_ANY: unconditionally).
       Deleting a missing key is WP_E_NOT_FOUND. */
    wp_status (*remove)(void* ctx, const char* key, uint64_t expected_revision, wp_error* error);
    /* Each key starting with prefix ("" = all), one wp_sink write per key, in ascending order. */
    wp_status (*list)(void* ctx, const char* prefix, const wp_sink* keys, wp_error* error);
} wp_store;

/* Everything the host lends an instance.  Lives at least as long as the instance created with it.
   The plugin copies it in create(): a later change (e.g. to log.min_level) reaches only instances
   created afterwards. */
typedef struct wp_host {
    uint32_t struct_size; /* sizeof(wp_host) as the host knows it; these first two fields never move */
    uint32_t abi_version; /* WP_ABI_VERSION of the host */
    const char* host_name;    /* e.g. "host_stub 0.1.0", for user agents and audit records */
    wp_logger log;
    wp_store config;  /* instance configuration: ids, endpoints, thumbprints, journal, audit */
    wp_store secrets; /* private keys and other secrets, encrypted at rest by the host */
} wp_host;

/* ---- Per-call services ---- */

/* Shown to a person for the OAuth 2.0 device authorization grant (RFC 8628). */
typedef struct wp_device_code {
    uint32_t struct_size;
    const char* verification_uri; /* the page to open */
    const char* user_code;        /* the code to type there (not a secret) */
    const char* message;          /* the service's ready-to-print instruction */
    int64_t expires_at_unix;      /* when the code expires (seconds since the epoch, UTC) */
} wp_device_code;

/* Interactive sign-in.  Optional: a NULL prompter means nobody can answer (a scheduled job), and
   the plugin returns WP_E_AUTH_REQUIRED instead of blocking. */
typedef struct wp_prompter {
    void* ctx;
    /* Show (or replace) the code.  WP_E_UNSUPPORTED means "cannot show it now". */
    wp_status (*show_device_code)(void* ctx, const wp_device_code* code);
    /* The flow ended (success, failure, cancel or expiry): take the code off the screen. */
    void (*dismiss)(void* ctx);
} wp_prompter;

/* Cancellation, requested by the host from any thread, polled by the plugin. */
typedef struct wp_cancel {
    void* ctx;
    int32_t (*requested)(void* ctx);            /* nonzero once cancellation was requested */
    int32_t (*wait_ms)(void* ctx, uint32_t ms); /* sleeps; returns nonzero early if cancelled */
} wp_cancel;

#define WP_SEVERITY_OK 0
#define WP_SEVERITY_WARNING 1
#define WP_SEVERITY_ERROR 2

/* One check of a validation report. */
typedef struct wp_finding {
    uint32_t struct_size;
    int32_t severity;    /* WP_SEVERITY_* */
    const char* code;    /* stable dotted id, e.g. "cert.expires_soon" */
    const char* message; /* user-safe, says what to do when it is not OK */
} wp_finding;

/* A credential for a job.  token is a secret: the host hands it to the job and never logs it. */
typedef struct wp_credential {
    uint32_t struct_size;
    const char* type;        /* e.g. "Bearer" */
    const char* token;       /* NOT NUL-terminated necessarily: use token_len */
    size_t token_len;
    int64_t expires_at_unix; /* seconds since the epoch, UTC */
    const char* scope;       /* what the token is for, e.g. "https://graph.microsoft.com/.default" */
} wp_credential;

/* Where a hook's results go.  Any callback may be NULL (the host does not want that kind). */
typedef struct wp_output {
    void* ctx;
    /* Progress and results of configure/validate as one JSON object per call, e.g.
       {"event":"step","step":"create_application","state":"done","elapsed_ms":412}. */
    void (*event)(void* ctx, const char* json, size_t len);
    /* validate: one call per check. */
    void (*finding)(void* ctx, const wp_finding* finding);
    /* validate: facts a host shows in a status list ("tenant", "certificate_expires", ...). */
    void (*fact)(void* ctx, const char* key, const char* value);
    /* acquire_credentials: the credential. */
    void (*credential)(void* ctx, const wp_credential* credential);
} wp_output;

/* Everything one hook call gets besides its arguments.  Valid for that call only. */
typedef struct wp_call {
    uint32_t struct_size;
    const wp_cancel* cancel;       /* never NULL */
    const wp_prompter* prompter;   /* NULL: nobody can sign in now */
    const wp_output* output;       /* never NULL (its callbacks may be) */
    wp_error* error;               /* never NULL; filled on failure */
} wp_call;

/* What acquire_credentials is asked for. */
#define WP_ACQUIRE_BYPASS_CACHE 1u /* fetch a fresh credential even if a cached one is valid */
typedef struct wp_credential_request {
    uint32_t struct_size;
    const char* resource; /* plugin-defined name ("graph") or an explicit scope */
    uint32_t flags;       /* WP_ACQUIRE_* */
} wp_credential_request;

/* ---- The plugin's table ---- */

#define WP_ACTION_INTERACTIVE 1u /* may need a person (a prompter) */
#define WP_ACTION_READ_ONLY 2u   /* changes nothing (e.g. a plan) */
typedef struct wp_action {
    const char* name;    /* e.g. "setup" */
    const char* summary; /* one line for --help and UIs */
    uint32_t flags;      /* WP_ACTION_* */
} wp_action;

typedef struct wp_instance wp_instance; /* opaque, created and destroyed by the plugin */

typedef struct wp_plugin {
    uint32_t struct_size; /* sizeof(wp_plugin) as the plugin knows it */
    uint32_t abi_version; /* WP_ABI_VERSION the plugin was built with */
    const char* id;           /* short stable id, e.g. "m365"; these first three fields never move */
    const char* display_name; /* e.g. "Microsoft 365" */
    const char* version;      /* the plugin's own version, e.g. "0.1.0" */
    const char* description;  /* one line */
    const wp_action* actions; /* configure actions, action_count entries */
    uint32_t action_count;

    /* Creates the instance named instance_id (one per tenant, for example).  Cheap: reads nothing
       remote.  host is borrowed until destroy. */
    wp_status (*create)(const wp_host* host, const char* instance_id, wp_instance** out, wp_error* error);
    void (*destroy)(wp_instance* instance);

    /* Runs one configure action.  request_json: {"action":"setup","settings":{...}}. */
    wp_status (*configure)(wp_instance* instance, const wp_call* call, const char* request_json, size_t len);
    /* Checks the configuration; findings and facts go to call->output.  options_json may be
       NULL/empty or e.g. {"offline":true}.  Returns WP_OK when no finding is an error. */
    wp_status (*validate)(wp_instance* instance, const wp_call* call, const char* options_json, size_t len);
    /* Hands a credential to call->output->credential.  Thread-safe (see rule 4). */
    wp_status (*acquire_credentials)(wp_instance* instance, const wp_call* call,
                                     const wp_credential_request* request);
    /* v1.1+: append new hooks here. */
} wp_plugin;

/*
 * The ONE exported symbol.  The host calls it first, with its own WP_ABI_VERSION, and gets the
 * plugin's static, immutable table.  The first three fields of wp_plugin (struct_size, abi_version, id)
 * are frozen across ALL major versions, so any host can read them and report a mismatch as
 * "plugin 'm365' speaks ABI 2.0, this host speaks 1.x".  The HOST refuses a plugin of another major
 * version (it must not call anything else in it); the PLUGIN refuses in create() (WP_E_INCOMPATIBLE)
 * a host whose wp_host lacks what it needs.  Returns NULL only if the plugin cannot start at all.
 */
#define WP_PLUGIN_ENTRY_SYMBOL "wp_plugin_entry"
typedef const wp_plugin* (*wp_plugin_entry_fn)(uint32_t host_abi_version);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* WP_ABI_H */
