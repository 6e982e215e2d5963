// Microsoft's own client library, @azure/msal-node, against the emulator: device code sign-in, then an app
// registered through the emulator's Graph API signs in with a certificate in both of msal-node's forms, and a
// certificate the app does not hold (or a forged signature) is refused with AADSTS700027.
//
// msal-node is configured only as a user configures it for a private cloud: authority, knownAuthorities, and the
// CA trusted through NODE_EXTRA_CA_CERTS (set by run_conformance.mjs). Run: node run_conformance.mjs --emulator BIN
// msal_conformance.test.mjs
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import {
    callOk, control, emulator, GRAPH_APP_ID, GRAPH_CLI_CLIENT_ID, makeCertificate, verifyIssuedToken, watchTraffic,
} from './lib/emulator.mjs';

const traffic = watchTraffic();
const ADMIN = `admin@${emulator.tenantDomain}`;
const GLOBAL_ADMINISTRATOR = '62e90394-69f5-4237-9190-012177145e10'; // directory role template ids (wids)
const CLOUD_APPLICATION_ADMINISTRATOR = '158c047a-c907-4556-b7ef-446551a6b5f7';
const GRAPH_DEFAULT = ['https://graph.microsoft.com/.default'];
const tokenEndpoint = `${emulator.authority}/${emulator.tenantId}/oauth2/v2.0/token`;
const shared = {}; // filled by earlier tests: admin token, registered app, its certificate

function confidentialClient(clientCertificate, clientId = shared.app.appId) {
    return new ConfidentialClientApplication({
        auth: {
            clientId,
            authority: `${emulator.authority}/${emulator.tenantId}`,
            knownAuthorities: [emulator.hostAndPort],
            clientCertificate,
        },
    });
}

function graph(method, path, json) {
    return callOk(method, `${emulator.graph}/v1.0${path}`, { bearer: shared.adminToken, json });
}

async function assertRefusedWith700027(clientCertificate) {
    await assert.rejects(confidentialClient(clientCertificate).acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT }), (err) => {
        assert.equal(err.errorCode, 'invalid_client', `errorCode was ${err.errorCode}: ${err.message}`);
        // msal-node wraps the server's error_description: "Error(s): 700027 - ... - Description: AADSTS700027: ..."
        assert.match(err.errorMessage ?? err.message, /Description: AADSTS700027: /);
        return true;
    });
}

// msal-node's device code flow against `<authority>/<tenantSegment>`; the control API approves the user code
// msal-node hands to deviceCodeCallback, as `upn`. Returns msal-node's AuthenticationResult.
async function signInByDeviceCode(tenantSegment, upn) {
    const pca = new PublicClientApplication({
        auth: {
            clientId: GRAPH_CLI_CLIENT_ID,
            authority: `${emulator.authority}/${tenantSegment}`,
            knownAuthorities: [emulator.hostAndPort],
        },
    });
    let approval = Promise.resolve();
    const request = {
        scopes: ['https://graph.microsoft.com/Application.ReadWrite.All', 'https://graph.microsoft.com/AppRoleAssignment.ReadWrite.All'],
        timeout: 120,
        deviceCodeCallback: (code) => {
            approval = (async () => {
                assert.ok(code.verificationUri.startsWith(`${emulator.authority}/devicelogin`), code.verificationUri);
                assert.ok(code.message.includes(code.userCode));
                const listed = (await control.deviceCodes()).find((c) => c.user_code === code.userCode);
                assert.equal(listed?.status, 'pending');
                assert.equal(listed.client_id, GRAPH_CLI_CLIENT_ID);
                await control.approve(code.userCode, upn);
            })().catch((err) => { request.cancel = true; throw err; }); // stop msal-node's polling on failure
        },
    };
    const resultOrError = await pca.acquireTokenByDeviceCode(request).catch((err) => err);
    await approval;
    if (resultOrError instanceof Error) throw resultOrError;
    const result = resultOrError;

    assert.equal(result.account?.username, upn);
    assert.equal(result.tenantId, emulator.tenantId);
    assert.ok(result.scopes.some((s) => /Application\.ReadWrite\.All$/.test(s)), result.scopes.join(' '));
    const claims = await verifyIssuedToken(result.accessToken);
    assert.equal(claims.upn, upn);
    assert.equal(claims.tid, emulator.tenantId);
    assert.match(claims.scp, /(^| )Application\.ReadWrite\.All( |$)/);
    assert.match(claims.scp, /(^| )AppRoleAssignment\.ReadWrite\.All( |$)/);

    const devicecode = traffic.requests.filter((r) => new URL(r.url).pathname === `/${tenantSegment}/oauth2/v2.0/devicecode`);
    assert.equal(devicecode.length, 1, `msal-node asked ${tenantSegment}'s devicecode endpoint once`);
    const polls = traffic.requests.filter((r) => new URL(r.url).pathname === `/${tenantSegment}/oauth2/v2.0/token`);
    assert.ok(polls.length >= 1);
    assert.equal(new URLSearchParams(polls.at(-1).body).get('grant_type'), 'device_code'); // msal-node's short form
    return { result, claims };
}

test('acquireTokenByDeviceCode completes after the control API approves the code', async () => {
    const { result, claims } = await signInByDeviceCode(emulator.tenantDomain, ADMIN);
    assert.ok(Array.isArray(claims.wids) && claims.wids.includes(GLOBAL_ADMINISTRATOR), 'wids has Global Administrator');
    shared.adminToken = result.accessToken;
});

test('acquireTokenByDeviceCode through the organizations authority signs in to the user\'s tenant', async () => {
    const { claims } = await signInByDeviceCode('organizations', `appadmin@${emulator.tenantDomain}`);
    assert.ok(claims.wids?.includes(CLOUD_APPLICATION_ADMINISTRATOR), 'wids has Cloud Application Administrator');
    assert.ok(!claims.wids.includes(GLOBAL_ADMINISTRATOR));
});

test('an application with a certificate is registered through Graph and granted one Graph app role', async () => {
    assert.ok(shared.adminToken, 'needs the admin token of the device code test');
    const filter = encodeURIComponent(`appId eq '${GRAPH_APP_ID}'`);
    const graphSp = (await graph('GET', `/servicePrincipals?$filter=${filter}`)).json.value[0];
    const role = graphSp.appRoles.find((r) => r.value === 'User.Read.All');
    assert.ok(role, 'Microsoft Graph service principal publishes User.Read.All');

    shared.cert = makeCertificate('msal-conformance');
    const app = (await graph('POST', '/applications', {
        displayName: 'msal-node conformance',
        signInAudience: 'AzureADMyOrg',
        requiredResourceAccess: [{ resourceAppId: GRAPH_APP_ID, resourceAccess: [{ id: role.id, type: 'Role' }] }],
        keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: shared.cert.derBase64, displayName: 'CN=msal-conformance' }],
    })).json;
    assert.match(app.appId, /^[0-9a-f-]{36}$/);
    const sp = (await graph('POST', '/servicePrincipals', { appId: app.appId })).json;
    const assignment = await graph('POST', `/servicePrincipals/${graphSp.id}/appRoleAssignedTo`,
        { principalId: sp.id, resourceId: graphSp.id, appRoleId: role.id });
    assert.equal(assignment.status, 201);

    const state = await control.state();
    const stored = state.applications.find((a) => a.id === app.id);
    assert.equal(stored.keyCredentials.length, 1);
    assert.equal(stored.keyCredentials[0].thumbprint.toUpperCase(), shared.cert.sha1Hex.toUpperCase());
    shared.app = app;
    shared.servicePrincipal = sp;
});

async function acquireAndCheck(clientCertificate, expected) {
    const before = traffic.clientAssertions().length;
    const client = confidentialClient(clientCertificate);
    const first = await client.acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT });
    // skipCache forces a second request to the token endpoint; msal-node reuses its signed assertion (same jti)
    const second = await client.acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT, skipCache: true });

    for (const result of [first, second]) {
        const claims = await verifyIssuedToken(result.accessToken);
        assert.deepEqual(claims.roles, ['User.Read.All']);
        assert.equal(claims.appid, shared.app.appId);
        assert.equal(claims.tid, emulator.tenantId);
        assert.equal(claims.aud, 'https://graph.microsoft.com');
    }
    const sent = traffic.clientAssertions().slice(before);
    assert.equal(sent.length, 2, 'two token requests, each with a client assertion');
    for (const { header, payload } of sent) {
        assert.equal(header.alg, expected.alg);
        assert.ok(header[expected.thumbprintHeader], `${expected.thumbprintHeader} header present`);
        assert.equal(header[expected.otherHeader], undefined);
        assert.equal(payload.aud, tokenEndpoint);
        assert.equal(payload.iss, shared.app.appId);
        assert.equal(payload.sub, shared.app.appId);
    }
    assert.equal(sent[0].payload.jti, sent[1].payload.jti, 'the emulator accepted a reused assertion, as Entra does');
}

test('acquireTokenByClientCredential with {thumbprintSha256, privateKey} (PS256 + x5t#S256) gets the granted role', async () => {
    assert.ok(shared.app, 'needs the registered application');
    await acquireAndCheck({ thumbprintSha256: shared.cert.sha256Hex, privateKey: shared.cert.privateKey },
        { alg: 'PS256', thumbprintHeader: 'x5t#S256', otherHeader: 'x5t' });
});

test('acquireTokenByClientCredential with {thumbprint (SHA-1), privateKey} (RS256 + x5t) gets the granted role', async () => {
    assert.ok(shared.app, 'needs the registered application');
    await acquireAndCheck({ thumbprint: shared.cert.sha1Hex, privateKey: shared.cert.privateKey },
        { alg: 'RS256', thumbprintHeader: 'x5t', otherHeader: 'x5t#S256' });
});

test('a certificate the application does not hold is refused with AADSTS700027 (both forms)', async () => {
    assert.ok(shared.app, 'needs the registered application');
    const stranger = makeCertificate('not-registered');
    await assertRefusedWith700027({ thumbprintSha256: stranger.sha256Hex, privateKey: stranger.privateKey });
    await assertRefusedWith700027({ thumbprint: stranger.sha1Hex, privateKey: stranger.privateKey });
});

test('an assertion naming the registered certificate but signed with another key is refused with AADSTS700027', async () => {
    assert.ok(shared.app, 'needs the registered application');
    const forger = makeCertificate('forger');
    await assertRefusedWith700027({ thumbprintSha256: shared.cert.sha256Hex, privateKey: forger.privateKey });
    await assertRefusedWith700027({ thumbprint: shared.cert.sha1Hex, privateKey: forger.privateKey });
});

test('deleting the application leaves no application, service principal or assignment behind', async () => {
    assert.ok(shared.app, 'needs the registered application');
    const deleted = await graph('DELETE', `/applications/${shared.app.id}`);
    assert.equal(deleted.status, 204);
    const state = await control.state();
    assert.equal(state.applications.find((a) => a.id === shared.app.id), undefined);
    assert.equal(state.servicePrincipals.find((s) => s.appId === shared.app.appId), undefined);
    assert.equal(state.appRoleAssignments.find((a) => a.principalId === shared.servicePrincipal.id), undefined);
});

test('msal-node sees AADSTS700016 for an application that has not replicated yet, then a token without roles', async () => {
    assert.ok(shared.adminToken, 'needs the admin token of the device code test');
    const emulatorApi = (path, json) => callOk('POST', `${emulator.authority}/_emulator/${path}`, { json });
    const cert = makeCertificate('replication');
    // Objects created from now on reach the token endpoint 300 s later (emulator time). Moving the emulator's
    // clock 301 s ahead then replicates the application without waiting, and keeps msal-node's assertion
    // (signed with the real time, valid 600 s) within its validity window.
    await emulatorApi('replication', { delay_ms: 300_000 });
    try {
        const app = (await graph('POST', '/applications', {
            displayName: 'msal-node replication', signInAudience: 'AzureADMyOrg',
            keyCredentials: [{ type: 'AsymmetricX509Cert', usage: 'Verify', key: cert.derBase64 }],
        })).json;
        const client = confidentialClient({ thumbprintSha256: cert.sha256Hex, privateKey: cert.privateKey }, app.appId);
        await assert.rejects(client.acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT }), (err) => {
            assert.equal(err.errorCode, 'unauthorized_client', `errorCode was ${err.errorCode}: ${err.message}`);
            assert.match(err.errorMessage ?? err.message, /Description: AADSTS700016: /);
            return true;
        });
        await emulatorApi('clock', { offset_seconds: 301 });
        await emulatorApi('replication', { delay_ms: 0 });
        // only now: Graph, like the real directory, refuses a service principal for an unreplicated appId
        await graph('POST', '/servicePrincipals', { appId: app.appId });
        const result = await client.acquireTokenByClientCredential({ scopes: GRAPH_DEFAULT });
        const claims = await verifyIssuedToken(result.accessToken);
        assert.equal(claims.appid, app.appId);
        assert.equal('roles' in claims, false, 'no roles claim when nothing was granted');
    } finally {
        await emulatorApi('clock', { offset_seconds: 0 });
        await emulatorApi('replication', { delay_ms: 0 });
    }
});

test('no request left loopback (msal-node never tried Microsoft\'s instance-discovery host)', () => {
    assert.ok(traffic.requests.length > 0);
    traffic.assertLoopbackOnly();
});
