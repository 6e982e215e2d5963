// wire_counter.mjs -- counts the HTTP requests a client really sends (issue 7, item 6).  The emulator's
// /_emulator/stats counts each request of a Graph $batch under its own route as well as the $batch itself,
// so its totals are not the requests on the wire.  This is a TLS-terminating reverse proxy on a free
// loopback port with the emulator's own server certificate (same names, same CA, so the plugin's strict
// verification passes), forwarding every request to the emulator and counting it by method and path.
//
//   node wire_counter.mjs --target https://127.0.0.1:PORT --state-dir DIR
// prints {"proxy":"https://127.0.0.1:PORT"} when ready; GET /_wire/counts answers the counts so far
// ({"requests":{"POST /v1.0/$batch":1,...}}, ids replaced by {id}), POST /_wire/counts answers and resets
// them.  Stops on SIGTERM.
//
// scripts/bench.sh puts it in front of Graph only (setting graph_host): client assertions name the token
// endpoint's own URL as audience, so identity requests go to the emulator directly, and the emulator's
// counts of those routes (no $batch there) are already the requests on the wire.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';

function option(name) {
    const at = process.argv.indexOf(`--${name}`);
    if (at < 0) throw new Error(`missing --${name}`);
    return process.argv[at + 1];
}

const target = new URL(option('target'));
const stateDir = option('state-dir');
const ca = readFileSync(join(stateDir, 'ca.pem'));
const agent = new https.Agent({ keepAlive: true, ca });
const counts = {};

/// "/v1.0/servicePrincipals/6f0c.../appRoleAssignedTo" -> "/v1.0/servicePrincipals/{id}/appRoleAssignedTo";
/// token and device-code endpoints keep their last segment, the tenant becomes {tenant}.
function routeOf(method, url) {
    const path = url.split('?')[0];
    const segments = path.split('/').map((segment, i) => {
        if (i === 1 && !segment.startsWith('v1.0') && segment !== '') return '{tenant}';
        return /^[0-9a-f-]{16,}$/i.test(segment) ? '{id}' : segment;
    });
    return `${method} ${segments.join('/')}`;
}

const server = https.createServer(
    { key: readFileSync(join(stateDir, 'server-key.pem')), cert: readFileSync(join(stateDir, 'server.pem')) },
    (request, response) => {
        if (request.url === '/_wire/counts') {
            response.writeHead(200, { 'content-type': 'application/json' });
            response.end(JSON.stringify({ requests: counts }));
            if (request.method === 'POST') for (const key of Object.keys(counts)) delete counts[key]; // read and reset
            return;
        }
        const route = routeOf(request.method, request.url);
        counts[route] = (counts[route] ?? 0) + 1;
        const upstream = https.request(
            {
                host: target.hostname,
                port: target.port,
                method: request.method,
                path: request.url,
                headers: request.headers, // Host stays the proxy's: URLs the emulator derives point back here
                agent,
            },
            (answer) => {
                response.writeHead(answer.statusCode, answer.headers);
                answer.pipe(response);
            },
        );
        upstream.on('error', (error) => {
            response.writeHead(502);
            response.end(String(error));
        });
        request.pipe(upstream);
    },
);
server.keepAliveTimeout = 30_000;
server.listen(0, '127.0.0.1', () => {
    console.log(JSON.stringify({ proxy: `https://127.0.0.1:${server.address().port}` }));
});
process.on('SIGTERM', () => process.exit(0));
