// The emulator's sign-in page end to end in a real browser (Debian's Chromium, driven by playwright-core):
// a device code is requested over plain HTTPS, a person's steps are replayed in the page (enter the code,
// choose the account, approve or deny), and the token endpoint then answers the poll accordingly.
// Run: node run_conformance.mjs --emulator BIN devicelogin_chromium.test.mjs
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import tls from 'node:tls';
import { chromium } from 'playwright-core';
import { call, callOk, decodeJwt, DEVICE_CODE_GRANT, emulator, GRAPH_CLI_CLIENT_ID, verifyIssuedToken } from './lib/emulator.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const PRA = `pra@${emulator.tenantDomain}`;
const PRIVILEGED_ROLE_ADMINISTRATOR = 'e8611ab8-c189-46e8-94e1-60213ab1f814';
const tenantBase = `${emulator.authority}/${emulator.tenantDomain}/oauth2/v2.0`;
let browser; // a persistent context: its own fresh --user-data-dir
let userDataDir;

// SHA-256 of the SubjectPublicKeyInfo of the certificate the emulator serves, fetched over a TLS connection that
// is itself verified against the emulator CA (so we pin the key we just proved the CA vouches for).
async function emulatorLeafSpkiHash() {
    const { hostname, port } = new URL(emulator.authority);
    const socket = tls.connect({ host: hostname, port: Number(port), ca: readFileSync(emulator.caFile) }); // checks the IP SAN
    await new Promise((resolve, reject) => { socket.once('secureConnect', resolve); socket.once('error', reject); });
    const leaf = socket.getPeerX509Certificate();
    socket.end();
    return createHash('sha256').update(leaf.publicKey.export({ type: 'spki', format: 'der' })).digest('base64');
}

before(async () => {
    userDataDir = mkdtempSync(join(tmpdir(), 'conformance-chromium-'));
    // Trusting the emulator: Chromium ignores NODE_EXTRA_CA_CERTS and reads CAs from the NSS database in the
    // user's home. Importing the emulator CA there (certutil) would make every browser of this user trust a
    // throw-away CA. --ignore-certificate-errors-spki-list instead accepts exactly one key, the emulator's leaf,
    // only in this browser instance (Chromium honours it only together with --user-data-dir, which the
    // persistent context passes), and every other certificate is still verified: HTTPS errors stay fatal
    // (ignoreHTTPSErrors is false).
    const spki = await emulatorLeafSpkiHash();
    browser = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        ignoreHTTPSErrors: false,
        args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
            '--disable-component-update', '--disable-sync', `--ignore-certificate-errors-spki-list=${spki}`],
    });
});

after(async () => {
    await browser?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
});

async function requestDeviceCode() {
    const answer = await callOk('POST', `${tenantBase}/devicecode`, {
        form: { client_id: GRAPH_CLI_CLIENT_ID, scope: 'https://graph.microsoft.com/Application.ReadWrite.All offline_access openid profile' },
    });
    const code = answer.json;
    for (const field of ['device_code', 'user_code', 'verification_uri', 'expires_in', 'interval', 'message'])
        assert.ok(code[field] !== undefined, `device code response has ${field}`);
    return code;
}

function poll(code) {
    return call('POST', `${tenantBase}/token`, {
        form: { grant_type: DEVICE_CODE_GRANT, client_id: GRAPH_CLI_CLIENT_ID, device_code: code.device_code },
    });
}

function assertEntraError(answer, error) {
    assert.equal(answer.status, 400, answer.text);
    assert.equal(answer.json.error, error);
    assert.match(answer.json.error_description, /^AADSTS\d+: /);
    assert.ok(Array.isArray(answer.json.error_codes) && answer.json.error_codes.length > 0);
    for (const field of ['timestamp', 'trace_id', 'correlation_id']) assert.ok(answer.json[field], `error has ${field}`);
}

// What a person does at the verification page; returns the text the page shows in #result.
async function actInPage(code, upn, button) {
    const page = await browser.newPage();
    try {
        await page.goto(code.verification_uri); // throws on any certificate error
        await page.fill('#user_code', code.user_code);
        const account = page.locator('#upn');
        if ((await account.evaluate((element) => element.tagName)) === 'SELECT') await account.selectOption(upn);
        else await account.fill(upn);
        await page.click(button);
        const result = page.locator('#result');
        await result.waitFor();
        return (await result.textContent()).trim();
    } finally {
        await page.close();
    }
}

test('approving in the sign-in page releases a token for the chosen user', async () => {
    const code = await requestDeviceCode();
    assert.ok(code.verification_uri.startsWith(`${emulator.authority}/`), code.verification_uri);
    assertEntraError(await poll(code), 'authorization_pending');

    const shown = await actInPage(code, PRA, '#approve');
    assert.ok(shown.includes(PRA), `the page confirms the account: ${shown}`);

    await sleep(code.interval * 1000); // poll no faster than the interval the server asked for
    const answer = await poll(code);
    assert.equal(answer.status, 200, answer.text);
    assert.equal(answer.json.token_type, 'Bearer');
    const claims = await verifyIssuedToken(answer.json.access_token);
    assert.equal(claims.upn, PRA);
    assert.equal(claims.tid, emulator.tenantId);
    assert.ok(claims.wids?.includes(PRIVILEGED_ROLE_ADMINISTRATOR), 'wids carries Privileged Role Administrator');
    if (answer.json.id_token) assert.equal(decodeJwt(answer.json.id_token).payload.preferred_username, PRA);
});

test('denying in the sign-in page ends the poll with authorization_declined', async () => {
    const code = await requestDeviceCode();
    assertEntraError(await poll(code), 'authorization_pending');

    const shown = await actInPage(code, PRA, '#deny');
    assert.ok(shown.length > 0, 'the page shows a result');

    await sleep(code.interval * 1000);
    assertEntraError(await poll(code), 'authorization_declined');
});
