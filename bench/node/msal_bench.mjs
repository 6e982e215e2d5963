// msal_bench.mjs -- Microsoft's @azure/msal-node (the version tests/conformance pins, from its node_modules)
// against the same emulator, the same application and the same certificate as the plugin benchmarks.
// Prints one JSON line per figure, like the C++ programs.
//
//   node msal_bench.mjs warm  --cred DIR [--runs 5] [--seconds 0.5]   cached acquireTokenByClientCredential
//   node msal_bench.mjs cold  --cred DIR [--runs 5] [--tokens 200]    skipCache: one token request each
//   node msal_bench.mjs first --cred DIR                              the first token of this process
//
// DIR holds instance.json (the plugin's instance record) and credential.json (its private key and
// certificate), exported by `wp_bench_host export`.  The emulator's CA is trusted through
// NODE_EXTRA_CA_CERTS, as a user of a private cloud would configure msal-node.
const processStart = performance.now();

import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const msalEntry = pathToFileURL(join(repo, 'tests/conformance/node_modules/@azure/msal-node/dist/index.mjs')).href;

function option(name, fallback) {
    const at = process.argv.indexOf(`--${name}`);
    if (at < 0) {
        if (fallback === undefined) throw new Error(`missing --${name}`);
        return fallback;
    }
    return process.argv[at + 1];
}

function summarize(values) {
    const sorted = [...values].sort((a, b) => a - b);
    const middle = Math.floor(sorted.length / 2);
    const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    return { median, min: sorted[0], max: sorted.at(-1), runs: sorted.length };
}

function percentile(sortedSamples, p) {
    const rank = Math.ceil((p / 100) * sortedSamples.length);
    return sortedSamples[Math.max(0, Math.min(rank, sortedSamples.length) - 1)];
}

function print(bench, fields) {
    process.stdout.write(`${JSON.stringify({ bench, ...fields })}\n`);
}

// The application as the plugin configured it: authority, app id, PS256 with x5t#S256 (the plugin's
// default profile), the Graph .default scope.
function loadApplication(dir) {
    const record = JSON.parse(readFileSync(join(dir, 'instance.json'), 'utf8'));
    const credential = JSON.parse(readFileSync(join(dir, 'credential.json'), 'utf8'));
    const authorityHost = record.cloud.login_host;
    const certificate = new X509Certificate(credential.certificate_pem);
    return {
        authority: `${authorityHost}/${record.tenant.id}`,
        knownAuthority: new URL(authorityHost).host,
        clientId: record.application.app_id,
        privateKey: credential.private_key_pem,
        thumbprintSha256: certificate.fingerprint256.replace(/:/g, ''),
        scopes: [`${record.cloud.graph_resource}/.default`],
    };
}

function makeClient(msal, app) {
    return new msal.ConfidentialClientApplication({
        auth: {
            clientId: app.clientId,
            authority: app.authority,
            knownAuthorities: [app.knownAuthority],
            clientCertificate: { thumbprintSha256: app.thumbprintSha256, privateKey: app.privateKey },
        },
        system: { loggerOptions: { logLevel: msal.LogLevel.Error, piiLoggingEnabled: false } },
    });
}

async function warm(msal, app) {
    const runs = Number(option('runs', 5));
    const seconds = Number(option('seconds', 0.5));
    const client = makeClient(msal, app);
    const request = { scopes: app.scopes };
    const first = await client.acquireTokenByClientCredential(request);
    if (!first?.accessToken) throw new Error('no token');
    const rates = [], p50s = [], p99s = [];
    for (let run = 0; run < runs; ++run) {
        let calls = 0;
        const start = performance.now();
        while (performance.now() - start < seconds * 1000) {
            const result = await client.acquireTokenByClientCredential(request);
            if (!result.fromCache) throw new Error('the warm pass left the cache');
            ++calls;
        }
        rates.push(calls / ((performance.now() - start) / 1000));
        const samples = [];
        for (let i = 0; i < 20000; ++i) {
            const before = performance.now();
            await client.acquireTokenByClientCredential(request);
            samples.push((performance.now() - before) * 1e6);
        }
        samples.sort((a, b) => a - b);
        p50s.push(percentile(samples, 50));
        p99s.push(percentile(samples, 99));
    }
    print('msal_cached_acquire', { threads: 1, calls_per_s: summarize(rates), p50_ns: summarize(p50s), p99_ns: summarize(p99s) });
}

async function cold(msal, app) {
    const runs = Number(option('runs', 5));
    const tokens = Number(option('tokens', 200));
    const client = makeClient(msal, app);
    const request = { scopes: app.scopes, skipCache: true };
    for (let i = 0; i < 10; ++i) await client.acquireTokenByClientCredential(request); // connection, JIT
    const rates = [], cpuMs = [];
    for (let run = 0; run < runs; ++run) {
        const cpuBefore = process.cpuUsage();
        const start = performance.now();
        for (let i = 0; i < tokens; ++i) {
            const result = await client.acquireTokenByClientCredential(request);
            if (result.fromCache) throw new Error('skipCache was served from the cache');
        }
        const elapsed = performance.now() - start;
        const cpu = process.cpuUsage(cpuBefore);
        rates.push(tokens / (elapsed / 1000));
        cpuMs.push((cpu.user + cpu.system) / 1000 / tokens);
    }
    print('msal_cold_acquire', { tokens_per_run: tokens, tokens_per_s: summarize(rates), cpu_ms_per_token: summarize(cpuMs) });
}

async function first(credDir) {
    const importStart = performance.now();
    const msal = await import(msalEntry);
    const imported = performance.now();
    const app = loadApplication(credDir);
    const client = makeClient(msal, app);
    const result = await client.acquireTokenByClientCredential({ scopes: app.scopes });
    const done = performance.now();
    if (!result?.accessToken) throw new Error('no token');
    print('msal_first_token', {
        import_ms: imported - importStart,
        first_call_ms: done - imported,
        total_ms: done - processStart,
    });
}

const mode = process.argv[2];
const credDir = option('cred');
if (mode === 'first') {
    await first(credDir);
} else {
    const msal = await import(msalEntry);
    const app = loadApplication(credDir);
    if (mode === 'warm') await warm(msal, app);
    else if (mode === 'cold') await cold(msal, app);
    else throw new Error(`unknown mode ${mode}`);
}
