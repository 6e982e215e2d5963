// Test hook for crash recovery: the environment variable M365_PLUGIN_TEST_KILL_AT=<point> makes the process
// SIGKILL itself when it reaches that named point, so a test can stop a host deterministically between two
// steps of setup, rotate or update and check that the next command converges. Nothing else reads it.
//   setup:  setup_journaled, setup_application_created, setup_application_recorded,
//           setup_service_principal_created, setup_service_principal_recorded, setup_granted,
//           setup_verified, setup_secret_stored, setup_committed
//   rotate: journaled, secret_stored, key_added, verified, switched, key_removed
//   update: update_key_added, update_granted, update_switched
#pragma once

namespace m365 {

/// Raises SIGKILL if M365_PLUGIN_TEST_KILL_AT names `point`; otherwise does nothing.
void testKillPoint(const char* point);

} // namespace m365
