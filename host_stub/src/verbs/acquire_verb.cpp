// verbs/acquire_verb.cpp -- `acquire [--resource R] [--show-token]`: credentials, masked by default.
// With --repeat/--interval/--threads it keeps acquiring from several threads at once on one instance,
// as backup jobs do (abi.h rule 4), e.g. while another process rotates the instance's certificate.
#include "verb_context.hpp"

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace wphost {
namespace {

/// The shared state of the acquiring threads.
struct AcquireRun {
    std::atomic<std::uint64_t> acquired{0};
    std::atomic<std::uint64_t> failed{0};
    std::mutex mutex;
    std::optional<wp::Error> firstFailure;
};

void acquireLoop(VerbContext& context, wp::host::Instance& instance, const HookOutput& output,
                 AcquireRun& run) {
    const CliOptions& options = context.options;
    // A backup job has nobody to sign in: acquire runs without a prompter, like a scheduled job.
    wp::host::CallFrame frame(context.cancel, output.output());
    wp_credential_request request{};
    request.struct_size = sizeof request;
    request.resource = options.resource.c_str();
    request.flags = options.bypassCache ? WP_ACQUIRE_BYPASS_CACHE : 0u;
    for (std::uint32_t i = 0; options.repeat == 0 || i < options.repeat; ++i) {
        if (i > 0 && context.cancel.requested()) {
            break; // the normal end of an endless run
        }
        wp_status status = instance.acquire(frame.call(), request);
        if (status == WP_OK) {
            ++run.acquired;
        } else if (status == WP_E_CANCELLED && options.repeat != 1) {
            break;
        } else {
            ++run.failed;
            wp::Error error = frame.error(status);
            if (options.repeat != 1 || options.threads != 1) {
                context.printer.acquireError(error);
            }
            std::lock_guard<std::mutex> lock(run.mutex);
            if (!run.firstFailure) {
                run.firstFailure = error;
            }
        }
        if (options.intervalMs > 0 && context.cancel.waitFor(std::chrono::milliseconds(options.intervalMs))) {
            break;
        }
    }
}

} // namespace

wp_status runAcquire(VerbContext& context) {
    const CliOptions& options = context.options;
    auto loaded = context.session.openInstance(options.instance);
    context.printer.setInstance(options.instance);
    HookOutput output(context.printer);
    AcquireRun run;
    std::vector<std::thread> threads;
    for (std::uint32_t t = 1; t < options.threads; ++t) {
        threads.emplace_back([&] { acquireLoop(context, loaded->instance(), output, run); });
    }
    acquireLoop(context, loaded->instance(), output, run);
    for (auto& thread : threads) {
        thread.join();
    }
    bool repeated = options.repeat != 1 || options.threads != 1;
    if (repeated) {
        context.printer.acquireSummary(run.acquired, run.failed);
    }
    if (run.firstFailure) {
        throw *run.firstFailure; // exit code: the first failure's status
    }
    context.printer.result("acquire", WP_OK, nullptr);
    return WP_OK;
}

} // namespace wphost
