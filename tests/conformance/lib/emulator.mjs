// What the conformance tests share: the running emulator's coordinates (from run_conformance.mjs), plain HTTPS
// calls that trust the emulator CA the way any Node program does (NODE_EXTRA_CA_CERTS), the control API, JWT
// decoding and verification against the published JWKS, and throw-away certificates.
import { execFileSync } from 'node:child_process';
import { createPublicKey, verify as verifySignature, X509Certificate } from 'node:crypto';
import diagnostics from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

function required(name) {
    const value = process.env[name];
    if (!value) throw new Error(`${name} is not set: run the tests through run_conformance.mjs`);
    return value;
}

export const emulator = {
    authority: required('EMU_AUTHORITY'), // https://127.0.0.1:PORT
    graph: required('EMU_GRAPH'),
    caFile: required('EMU_CA_FILE'),
    tenantId: required('EMU_TENANT_ID'),
    tenantDomain: required('EMU_TENANT_DOMAIN'),
};
emulator.hostAndPort = new URL(emulator.authority).host; // what msal-node's knownAuthorities wants

export const GRAPH_APP_ID = '00000003-0000-0000-c000-000000000000';
export const GRAPH_CLI_CLIENT_ID = '14d82eec-204b-4c2f-b7e8-296a70dab67e'; // Microsoft Graph Command Line Tools
export const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

// One HTTPS call with Node's fetch (which trusts NODE_EXTRA_CA_CERTS, verification on). `form` is sent
// urlencoded, `json` as JSON. Returns { status, headers, text, json }.
export async function call(method, url, { form, json, bearer, headers = {} } = {}) {
    const init = { method, headers: { ...headers } };
    if (form) {
        init.body = new URLSearchParams(form).toString();
        init.headers['content-type'] = 'application/x-www-form-urlencoded';
    } else if (json !== undefined) {
        init.body = JSON.stringify(json);
        init.headers['content-type'] = 'application/json';
    }
    if (bearer) init.headers.authorization = `Bearer ${bearer}`;
    const response = await fetch(url, init);
    const text = await response.text();
    let parsed = null;
    try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON: callers look at text */ }
    return { status: response.status, headers: response.headers, text, json: parsed };
}

// Like call(), but a non-2xx answer is an error that names the request (never the token).
export async function callOk(method, url, options) {
    const result = await call(method, url, options);
    if (result.status < 200 || result.status > 299)
        throw new Error(`${method} ${url} answered ${result.status}: ${result.text.slice(0, 500)}`);
    return result;
}

export const control = {
    deviceCodes: async () => (await callOk('GET', `${emulator.authority}/_emulator/devicecodes`)).json.value,
    approve: (userCode, upn) =>
        callOk('POST', `${emulator.authority}/_emulator/devicecodes/approve`, { json: { user_code: userCode, upn } }),
    deny: (userCode) => callOk('POST', `${emulator.authority}/_emulator/devicecodes/deny`, { json: { user_code: userCode } }),
    state: async () => (await callOk('GET', `${emulator.authority}/_emulator/state`)).json,
};

function base64UrlDecode(segment) {
    return Buffer.from(segment.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
}

export function decodeJwt(token) {
    const [header, payload, signature] = token.split('.');
    if (signature === undefined) throw new Error('not a compact JWS');
    return { header: JSON.parse(base64UrlDecode(header)), payload: JSON.parse(base64UrlDecode(payload)) };
}

// Verifies an emulator-issued token the way a resource would: discovery -> jwks_uri -> key by kid -> RS256.
export async function verifyIssuedToken(token) {
    const { header, payload } = decodeJwt(token);
    if (header.alg !== 'RS256') throw new Error(`token alg is ${header.alg}, expected RS256`);
    const discovery = (await callOk('GET', `${emulator.authority}/${emulator.tenantId}/v2.0/.well-known/openid-configuration`)).json;
    const jwks = (await callOk('GET', discovery.jwks_uri)).json;
    const jwk = jwks.keys.find((k) => k.kid === header.kid);
    if (!jwk) throw new Error(`kid ${header.kid} is not in the JWKS`);
    const [h, p, s] = token.split('.');
    const ok = verifySignature('sha256', Buffer.from(`${h}.${p}`), createPublicKey({ key: jwk, format: 'jwk' }), base64UrlDecode(s));
    if (!ok) throw new Error('token signature does not verify against the published JWKS');
    return payload;
}

// A fresh RSA-2048 key and self-signed certificate, made by the openssl CLI in a private temp dir that is
// removed at once: key material lives only in this process's memory, never in the repository.
export function makeCertificate(commonName) {
    const dir = mkdtempSync(join(tmpdir(), 'conformance-cert-'));
    try {
        const keyFile = join(dir, 'key.pem');
        const certFile = join(dir, 'cert.pem');
        execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2',
            '-subj', `/CN=${commonName}`, '-keyout', keyFile, '-out', certFile], { stdio: ['ignore', 'ignore', 'pipe'] });
        const certPem = readFileSync(certFile, 'utf8');
        const privateKey = readFileSync(keyFile, 'utf8');
        const x509 = new X509Certificate(certPem);
        return {
            certPem,
            privateKey,
            derBase64: x509.raw.toString('base64'),
            sha1Hex: x509.fingerprint.replace(/:/g, ''),
            sha256Hex: x509.fingerprint256.replace(/:/g, ''),
        };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

// Records every outgoing fetch (URL and form body) and every connection target of this process, so tests can
// prove what msal-node sent and that nothing left loopback (e.g. no instance discovery at Microsoft's host).
export function watchTraffic() {
    const requests = [];
    const connectTargets = [];
    const originalFetch = globalThis.fetch;
    globalThis.fetch = (input, init) => {
        requests.push({ url: String(input instanceof Request ? input.url : input), body: typeof init?.body === 'string' ? init.body : '' });
        return originalFetch(input, init);
    };
    // fetch (undici) opens its connections itself: record the host of each; net.client.socket covers node:https
    diagnostics.subscribe('undici:client:beforeConnect', ({ connectParams }) => connectTargets.push(connectParams.hostname));
    diagnostics.subscribe('net.client.socket', ({ socket }) => socket.once('connect', () => connectTargets.push(socket.remoteAddress)));
    return {
        requests,
        connectTargets,
        assertLoopbackOnly() {
            const offLoopback = [...connectTargets, ...requests.map((r) => new URL(r.url).hostname)]
                .filter((host) => !['127.0.0.1', '::1', '[::1]', 'localhost'].includes(host));
            if (offLoopback.length) throw new Error(`traffic left loopback: ${[...new Set(offLoopback)].join(', ')}`);
        },
        // client assertions msal-node sent to the token endpoint, decoded (header + claims)
        clientAssertions() {
            return requests
                .map((r) => new URLSearchParams(r.body).get('client_assertion'))
                .filter(Boolean)
                .map((jwt) => ({ jwt, ...decodeJwt(jwt) }));
        },
    };
}
