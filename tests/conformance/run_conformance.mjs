#!/usr/bin/env node
// Starts one m365-emulator, runs node test files against it, stops the emulator (by PID) in every case.
//
//   node run_conformance.mjs --emulator /path/to/m365-emulator file.test.mjs [more.test.mjs ...]
//
// Why a launcher: msal-node talks through Node's https module, which trusts only the CAs it loaded at start-up.
// The emulator's CA exists only once the emulator runs, and NODE_EXTRA_CA_CERTS is read when a Node process starts.
// So the emulator starts first, and the tests run in a fresh `node --test` process whose environment carries
// NODE_EXTRA_CA_CERTS and the emulator's URLs. That is exactly how a user trusts a private cloud's CA.
//
// Exit code: the test runner's, or 2 when the emulator could not be started.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const READY_TIMEOUT_MS = 30_000;
// ctest kills a test after its TIMEOUT without giving it a chance to clean up; stop everything ourselves before that.
const WATCHDOG_MS = Number(process.env.CONFORMANCE_WATCHDOG_MS ?? 170_000);

function parseArgs(argv) {
    const files = [];
    let emulator = process.env.M365_EMULATOR;
    for (let i = 0; i < argv.length; ++i) {
        if (argv[i] === '--emulator') emulator = argv[++i];
        else files.push(resolve(here, argv[i]));
    }
    if (!emulator || !existsSync(emulator)) fail(`emulator binary not found: '${emulator ?? ''}' (pass --emulator PATH)`);
    if (files.length === 0) fail('no test files given');
    return { emulator, files };
}

function fail(message) {
    console.error(`run_conformance: ${message}`);
    process.exit(2);
}

function checkNodeModules() {
    for (const pkg of ['@azure/msal-node', 'playwright-core']) {
        if (!existsSync(join(here, 'node_modules', pkg, 'package.json')))
            fail(`${pkg} is not installed in ${here}/node_modules: run scripts/deps.sh (it runs npm ci there)`);
    }
}

// Resolves with the parsed ready line; rejects if the emulator exits or stays silent too long.
function startEmulator(binary, stateDir) {
    const args = ['--port', '0', '--control', '--replication-delay-ms', '0', '--state-dir', stateDir];
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    const ready = new Promise((resolveReady, rejectReady) => {
        const timer = setTimeout(() => rejectReady(new Error(`no ready line within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
        const lines = createInterface({ input: child.stdout });
        let seen = false;
        lines.on('line', (line) => {
            if (seen) { process.stderr.write(`[emulator stdout] ${line}\n`); return; }
            let info;
            try { info = JSON.parse(line); } catch { info = null; }
            if (!info || typeof info.authority !== 'string') { process.stderr.write(`[emulator stdout] ${line}\n`); return; }
            seen = true;
            clearTimeout(timer);
            resolveReady(info);
        });
        child.on('error', (err) => { clearTimeout(timer); rejectReady(err); });
        child.on('exit', (code, signal) => {
            clearTimeout(timer);
            rejectReady(new Error(`emulator exited before it was ready (code ${code}, signal ${signal})`));
        });
    });
    return { child, ready };
}

// Stops a child (SIGTERM, SIGKILL after 5 s) and resolves with how it ended: { code, signal, killed }.
// With `group`, the signals go to the child's own process group (the test runner, its per-file test
// processes and the browsers they launched), and whatever is left of that group when the leader is gone is
// killed too.
function stopProcess(child, name, { group = false } = {}) {
    const target = group ? -child?.pid : child?.pid;
    const sweep = () => { if (group) try { process.kill(target, 'SIGKILL'); } catch { /* nothing left */ } };
    if (!child) return Promise.resolve({ code: 0, signal: null, killed: false });
    if (child.exitCode !== null || child.signalCode !== null) {
        sweep();
        return Promise.resolve({ code: child.exitCode, signal: child.signalCode, killed: false });
    }
    return new Promise((done) => {
        let killed = false;
        const killer = setTimeout(() => {
            killed = true;
            try { process.kill(target, 'SIGKILL'); } catch { /* already gone */ }
        }, 5000);
        child.once('exit', (code, signal) => { clearTimeout(killer); sweep(); done({ code, signal, killed }); });
        try { process.kill(target, 'SIGTERM'); } catch { /* exited meanwhile: 'exit' still fires */ }
        console.error(`run_conformance: stopping ${name} (pid ${child.pid})`);
    });
}

async function main() {
    const { emulator, files } = parseArgs(process.argv.slice(2));
    checkNodeModules();
    const stateDir = mkdtempSync(join(tmpdir(), 'm365-conformance-'));
    let emulatorChild = null;
    let runner = null;
    let cleaning = null; // once: the watchdog, a signal and the normal end may all ask for it
    const cleanup = () => {
        cleaning ??= (async () => {
            await stopProcess(runner, 'test runner', { group: true });
            const ended = await stopProcess(emulatorChild, 'emulator');
            rmSync(stateDir, { recursive: true, force: true });
            return ended;
        })();
        return cleaning;
    };
    for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
        process.on(signal, async () => { await cleanup(); process.exit(128 + number); });
    }
    const watchdog = setTimeout(async () => {
        console.error(`run_conformance: watchdog: tests still running after ${WATCHDOG_MS} ms, stopping them`);
        await cleanup();
        process.exit(3);
    }, WATCHDOG_MS);

    let info;
    try {
        const started = startEmulator(emulator, stateDir);
        emulatorChild = started.child;
        info = await started.ready;
    } catch (err) {
        await cleanup();
        fail(`could not start the emulator: ${err.message}`);
    }
    console.error(`run_conformance: emulator pid ${emulatorChild.pid} ready at ${info.authority}`);

    const env = {
        ...process.env,
        NODE_EXTRA_CA_CERTS: info.ca_file,
        EMU_AUTHORITY: info.authority,
        EMU_GRAPH: info.graph,
        EMU_CA_FILE: info.ca_file,
        EMU_TENANT_ID: info.tenant_id,
        EMU_TENANT_DOMAIN: info.tenant_domain,
    };
    // detached: the runner leads its own process group, so stopping it reaches every process it started
    runner = spawn(process.execPath, ['--test', '--test-concurrency=1', ...files], { stdio: 'inherit', env, cwd: here, detached: true });
    const code = await new Promise((done) => runner.on('exit', (c, s) => done(c ?? (s ? 1 : 0))));
    clearTimeout(watchdog);
    // The emulator stops cleanly on SIGTERM (exit 0). Anything else (a crash during the tests, a sanitizer
    // report at exit, a hang that needed SIGKILL) is a defect the tests must not hide.
    const ended = await cleanup();
    if (ended.code !== 0 || ended.killed) {
        console.error(`run_conformance: the emulator did not stop cleanly (exit code ${ended.code}, signal ${ended.signal}${ended.killed ? ', needed SIGKILL' : ''})`);
        process.exit(code === 0 ? 1 : code);
    }
    process.exit(code);
}

main().catch(async (err) => {
    console.error(`run_conformance: ${err.stack ?? err}`);
    process.exit(2);
});
