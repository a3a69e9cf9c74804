// Hive Gateway (@graphql-hive/gateway) over our supergraph, as its own process, for
// bench/gateway.bench.js. Env: PORT, SUPERGRAPH_FILE, AUTH_JWT_SECRET, SUBGRAPH_SECRET,
// SUBGRAPH_URLS (JSON name -> url).
//
// It authenticates callers with our JWT rules and signs every subgraph call as our gateway does
// (service-kit identity.ts). The caller's identity travels as a header set by propagateHeaders,
// so it is part of Hive's in-flight de-duplication key (url, method, body, headers) and two
// callers never share an answer; the timestamp, nonce and HMAC over the exact body are added in
// onFetch, after that key is taken (the body bytes are only known there).
const http = require('node:http');
const { Buffer } = require('node:buffer');
const { readFileSync } = require('node:fs');
const path = require('node:path');
const { createGatewayRuntime } = require('@graphql-hive/gateway');

const root = path.resolve(__dirname, '../..');
const { signIdentity, IDENTITY_HEADER } = require(path.join(root, 'packages/service-kit/dist/index.js'));
const { verifyUserToken } = require(path.join(root, 'gateway/dist/auth.js'));

const urls = JSON.parse(process.env.SUBGRAPH_URLS);
const secret = process.env.SUBGRAPH_SECRET;
const jwtSecret = process.env.AUTH_JWT_SECRET;
const supergraph = readFileSync(process.env.SUPERGRAPH_FILE, 'utf8').replace(
  /@join__graph\(name: "([^"]+)", url: "[^"]*"\)/g,
  (all, name) => (urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : all),
);
const nameByUrl = Object.fromEntries(Object.entries(urls).map(([name, url]) => [url, name]));

/** One verification per client request, whatever the number of subgraph calls. */
const identities = new WeakMap();
function identityOf(request) {
  if (!identities.has(request)) {
    const match = /^Bearer\s+(\S+)$/i.exec(request.headers.get('authorization') ?? '');
    identities.set(request, match ? verifyUserToken(match[1], jwtSecret).catch(() => undefined) : Promise.resolve(undefined));
  }
  return identities.get(request);
}

const signing = {
  onFetch({ url, options, setOptions }) {
    const headers = { ...options.headers };
    const encoded = headers[IDENTITY_HEADER];
    if (!encoded) return;
    const identity = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    const subgraph = nameByUrl[url];
    Object.assign(
      headers,
      signIdentity(identity, secret, { method: options.method ?? 'POST', subgraph, body: String(options.body ?? '') }),
    );
    setOptions({ ...options, headers });
  },
};

const gateway = createGatewayRuntime({
  supergraph,
  logging: 'error',
  graphqlEndpoint: '/graphql',
  landingPage: false,
  propagateHeaders: {
    async fromClientToSubgraphs({ request }) {
      const identity = await identityOf(request);
      return identity ? { [IDENTITY_HEADER]: Buffer.from(JSON.stringify(identity)).toString('base64url') } : {};
    },
  },
  plugins: () => [signing],
});

const server = http.createServer(gateway);
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write(`hive gateway on ${process.env.PORT}\n`));
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => server.close(() => process.exit(0)));
