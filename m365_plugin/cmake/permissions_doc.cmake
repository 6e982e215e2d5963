# Generates docs/m365-permissions.md from m365_plugin/data/permissions.json (the manifest is the source of
# truth; the document only explains it).
#   cmake -DMANIFEST=.../permissions.json -DOUTPUT=.../m365-permissions.md -P permissions_doc.cmake
# With -DCHECK=ON it fails instead of writing when OUTPUT is out of date (a test runs it that way).
file(READ "${MANIFEST}" manifest)

function(json_get out)
  string(JSON value ERROR_VARIABLE error GET "${manifest}" ${ARGN})
  if(error)
    set(value "")
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

function(json_length out)
  string(JSON value ERROR_VARIABLE error LENGTH "${manifest}" ${ARGN})
  if(error)
    set(value 0)
  endif()
  set(${out} "${value}" PARENT_SCOPE)
endfunction()

function(json_list out)
  json_length(count ${ARGN})
  set(items "")
  if(count GREATER 0)
    math(EXPR last "${count} - 1")
    foreach(i RANGE ${last})
      json_get(item ${ARGN} ${i})
      list(APPEND items "${item}")
    endforeach()
  endif()
  list(JOIN items ", " joined)
  set(${out} "${joined}" PARENT_SCOPE)
endfunction()

set(doc "<!-- Generated from m365_plugin/data/permissions.json by m365_plugin/cmake/permissions_doc.cmake:
     edit the manifest, then run `cmake --build <build> --target m365_permissions_doc`. -->
# Microsoft 365 plugin: permissions

The plugin creates one Entra application per tenant and grants it **application permissions (app roles)
only for the workloads you choose** (`workloads`, default all). The list below is the plugin's permission
manifest, compiled into the module; `configure --action plan` prints the same list for your settings.

Principles:

- **Backup is read-only by default.** Every backup permission is a `Read` role. Restore needs write roles;
  they are granted only with `include_restore=true`, and then each write role *replaces* the read role it
  covers (e.g. `Mail.ReadWrite` instead of `Mail.Read`), so the application never holds both.
- **Mailboxes through Microsoft Graph, not EWS.** EWS in Exchange Online is blocked from October 2026 and
  retired in April 2027, so the plugin requests no `full_access_as_app` and no `Exchange.ManageAsApp`
  (which would also need a directory role on the application).
- **No directory write, no application management.** The application cannot create apps, grant roles or
  change users. It rotates its own certificate with `addKey`/`removeKey`, which needs no permission.
- **Role ids are resolved at run time** from the tenant's resource service principal (`appRoles`, by value,
  `allowedMemberTypes` Application); the ids below are the documented ones, used as a cross-check.
- **Verified, not hoped for:** setup acquires an app-only token per resource with the new certificate and
  compares its `roles` claim with this list before it saves anything.

")

# Resources
string(APPEND doc "## Resources\n\n| key | resource | application id | directory roles that can grant its app roles |\n|---|---|---|---|\n")
string(JSON resource_count LENGTH "${manifest}" resources)
math(EXPR last_resource "${resource_count} - 1")
foreach(i RANGE ${last_resource})
  string(JSON key MEMBER "${manifest}" resources ${i})
  json_get(name resources ${key} display_name)
  json_get(app_id resources ${key} app_id)
  json_list(roles resources ${key} granting_roles)
  string(APPEND doc "| `${key}` | ${name} | `${app_id}` | ${roles} |\n")
endforeach()

# The admin
json_list(creating creating_roles)
json_list(scopes admin_scopes)
string(APPEND doc "
## The administrator who runs setup

- Signs in once by device code; the token is delegated, in memory only, with the Graph scopes
  ${scopes} (no `offline_access`: no refresh token exists).
- Needs a directory role that can **create the application**: ${creating}.
- And one that can **grant each resource's app roles** (table above). Granting Microsoft Graph app roles
  needs Global Administrator or Privileged Role Administrator; a Cloud Application Administrator alone is
  not enough. Setup checks the token's `wids` claim and names the missing role before it creates anything.
")

# Workloads
string(JSON workload_count LENGTH "${manifest}" workloads)
math(EXPR last_workload "${workload_count} - 1")
foreach(i RANGE ${last_workload})
  string(JSON workload MEMBER "${manifest}" workloads ${i})
  json_get(summary workloads ${workload} summary)
  string(APPEND doc "\n## Workload `${workload}`\n\n${summary}\n")
  foreach(kind backup restore)
    json_length(count workloads ${workload} ${kind})
    if(count EQUAL 0)
      continue()
    endif()
    if(kind STREQUAL "backup")
      string(APPEND doc "\nBackup (always granted for this workload):\n\n")
    else()
      string(APPEND doc "\nRestore (only with `include_restore=true`):\n\n")
    endif()
    string(APPEND doc "| permission | resource | app role id | why |\n|---|---|---|---|\n")
    math(EXPR last "${count} - 1")
    foreach(j RANGE ${last})
      json_get(pname workloads ${workload} ${kind} ${j} name)
      json_get(presource workloads ${workload} ${kind} ${j} resource)
      json_get(pid workloads ${workload} ${kind} ${j} id)
      json_get(pwhy workloads ${workload} ${kind} ${j} why)
      json_get(psupersedes workloads ${workload} ${kind} ${j} supersedes)
      if(psupersedes)
        string(APPEND pwhy " Replaces `${psupersedes}`.")
      endif()
      string(APPEND doc "| `${pname}` | ${presource} | `${pid}` | ${pwhy} |\n")
    endforeach()
  endforeach()
endforeach()

string(APPEND doc "
## What is deliberately not requested

| permission | why not |
|---|---|
| Exchange `full_access_as_app` | EWS; blocked in Exchange Online from 1 Oct 2026, removed 1 Apr 2027. Graph `Mail.Read` and friends cover backup. |
| Exchange `Exchange.ManageAsApp` | PowerShell app-only; would also need a directory role (e.g. Global Reader) on the application. |
| SharePoint `Sites.FullControl.All` | What most vendors ask for; backup reads with `Sites.Read.All`. Backing up site permissions (ACLs) through the SharePoint API would need it: not included by default. |
| Graph `Directory.Read.All`, `Application.*`, `AppRoleAssignment.ReadWrite.All` | Far broader than enumerating users and groups; the last two allow privilege escalation. |
| `offline_access` (admin sign-in) | The admin token is needed once, for minutes; no refresh token should exist. |
")

if(CHECK)
  file(READ "${OUTPUT}" current)
  if(NOT current STREQUAL doc)
    message(FATAL_ERROR "${OUTPUT} is out of date: run cmake --build <build> --target m365_permissions_doc")
  endif()
else()
  file(WRITE "${OUTPUT}" "${doc}")
endif()
