// A real OpenID Connect issuer for the portal's sign-in tests, built on oauth2-mock-server.
// It signs ID tokens with its own RSA key, publishes discovery and JWKS, auto-approves /authorize for one
// registered client and one user, and checks what a real provider checks: the client id and redirect URI at
// /authorize, PKCE (S256 only), and the client secret at /token.
//
// Configuration: a JSON object in the environment variable OIDC_TEST_CONFIG:
//   { "clientId": "...", "clientSecret": "...", "redirectUris": ["http://127.0.0.1:5000/signin-oidc"],
//     "user": { "sub": "...", "name": "...", "preferred_username": "...", "email": "...",
//               "groups": ["HR"], "roles": ["KnowledgeManager"] },
//     "groupsClaim": "groups", "rolesClaim": "roles",
//     "claimsIn": "id_token" | "userinfo" | "both",
//     "idTokenExtra": { "_claim_names": { "groups": "src1" } },   (more ID token claims, as sent)
//     "disabled": true }   (the account is disabled: /authorize and /userinfo refuse it)
// On start it prints one line `OIDC-READY {"issuer": "http://127.0.0.1:PORT"}` and then one line per request.
// Each line written to its standard input is a JSON object merged into that configuration (say, the redirect URI
// once the portal's port is known); it answers `OIDC-CONFIGURED`. It stops on SIGTERM/SIGINT or when its standard
// input closes (the test process went away).
import { createServer } from 'node:http';
import { OAuth2Issuer, OAuth2Service } from 'oauth2-mock-server';

import { createInterface } from 'node:readline';

let config = {};
let clientId, clientSecret, redirectUris, user, groupsClaim, rolesClaim, claimsIn;
function configure(update) {
  config = { ...config, ...update };
  clientId = required(config.clientId, 'clientId');
  clientSecret = required(config.clientSecret, 'clientSecret');
  redirectUris = config.redirectUris ?? [];
  user = config.user ?? {};
  groupsClaim = config.groupsClaim ?? 'groups';
  rolesClaim = config.rolesClaim ?? 'roles';
  claimsIn = config.claimsIn ?? 'id_token';
}
configure(JSON.parse(process.env.OIDC_TEST_CONFIG ?? '{}'));

function required(value, name) {
  if (typeof value !== 'string' || value === '') throw new Error(`OIDC_TEST_CONFIG.${name} is required`);
  return value;
}

function log(message) {
  process.stdout.write(`${message}\n`);
}

function profileClaims() {
  const claims = { sub: user.sub ?? 'test-user' };
  for (const key of ['name', 'preferred_username', 'email']) if (user[key] !== undefined) claims[key] = user[key];
  return claims;
}

function accessClaims() {
  const claims = {};
  if (user.groups !== undefined) claims[groupsClaim] = user.groups;
  if (user.roles !== undefined) claims[rolesClaim] = user.roles;
  return claims;
}

const issuer = new OAuth2Issuer();
await issuer.keys.generate('RS256');
const service = new OAuth2Service(issuer);

// Every token the mock builds names "johndoe"; make them name the configured user. The ID token is the one whose
// audience is the client and that carries no scope (the access token carries the granted scope).
service.on('beforeTokenSigning', (token) => {
  const payload = token.payload;
  payload.sub = profileClaims().sub;
  // Real providers make every token unique (jti, Entra's uti); without it two tokens issued in the same second are
  // byte-identical and the portal's per-token cache rightly treats them as one.
  payload.jti = globalThis.crypto.randomUUID();
  const isIdToken = payload.aud === clientId && payload.scope === undefined;
  if (isIdToken) {
    Object.assign(payload, profileClaims());
    if (claimsIn === 'id_token' || claimsIn === 'both') Object.assign(payload, accessClaims());
    Object.assign(payload, config.idTokenExtra ?? {});
  }
});

// Client authentication at the token endpoint: client_secret_basic or client_secret_post.
service.on('beforeResponse', (response, req) => {
  const body = req.body ?? {};
  let id = body.client_id;
  let secret = body.client_secret;
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Basic ')) {
    const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    id = decodeURIComponent(decoded.slice(0, colon));
    secret = decodeURIComponent(decoded.slice(colon + 1));
  }
  if (id !== clientId || secret !== clientSecret) {
    log(`token: rejected client ${JSON.stringify(id)}`);
    response.statusCode = 401;
    response.body = { error: 'invalid_client', error_description: 'unknown client or wrong secret' };
    return;
  }
  if (body.grant_type === 'authorization_code' && !body.code_verifier) {
    log('token: rejected code exchange without code_verifier');
    response.statusCode = 400;
    response.body = { error: 'invalid_grant', error_description: 'PKCE code_verifier required' };
  }
});

service.on('beforeUserinfo', (response) => {
  response.body = profileClaims();
  if (claimsIn === 'userinfo' || claimsIn === 'both') Object.assign(response.body, accessClaims());
});

function reject(res, status, error, description) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error, error_description: description }));
}

const handler = service.requestHandler;
const server = createServer((req, res) => {
  const url = new URL(req.url, issuer.url);
  log(`${req.method} ${url.pathname}`);
  // A disabled account: the provider refuses it everywhere a user is involved.
  if (config.disabled && (url.pathname === '/userinfo' || url.pathname === '/authorize')) {
    return reject(res, url.pathname === '/userinfo' ? 401 : 403, 'access_denied', 'the account is disabled');
  }
  if (req.method === 'GET' && url.pathname === '/authorize') {
    // What the mock leaves out: only the registered client, its redirect URIs, the code flow and PKCE S256.
    const q = url.searchParams;
    if (q.get('client_id') !== clientId) return reject(res, 400, 'unauthorized_client', 'unknown client_id');
    if (!redirectUris.includes(q.get('redirect_uri'))) return reject(res, 400, 'invalid_request', `redirect_uri not registered: ${q.get('redirect_uri')}`);
    if (q.get('response_type') !== 'code') return reject(res, 400, 'unsupported_response_type', 'only the code flow');
    if (!q.get('code_challenge') || q.get('code_challenge_method') !== 'S256') return reject(res, 400, 'invalid_request', 'PKCE with S256 is required');
  }
  if (req.method === 'GET' && url.pathname === '/.well-known/openid-configuration') {
    // Advertise the client authentication this server really performs.
    const end = res.end.bind(res);
    res.end = (chunk, ...rest) => {
      if (chunk && res.statusCode === 200) {
        const doc = JSON.parse(chunk.toString());
        doc.token_endpoint_auth_methods_supported = ['client_secret_basic', 'client_secret_post'];
        doc.scopes_supported = ['openid', 'profile', 'email'];
        doc.claims_supported = ['sub', 'name', 'preferred_username', 'email', groupsClaim, rolesClaim];
        chunk = JSON.stringify(doc);
        res.setHeader('content-length', Buffer.byteLength(chunk));
      }
      return end(chunk, ...rest);
    };
  }
  handler(req, res);
});

await new Promise((resolve, reject) => server.listen(Number(config.port ?? 0), '127.0.0.1').once('listening', resolve).once('error', reject));
issuer.url = `http://127.0.0.1:${server.address().port}`;
log(`OIDC-READY ${JSON.stringify({ issuer: issuer.url })}`);

function stop() {
  server.close();
  server.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  if (line.trim() === '') return;
  try {
    configure(JSON.parse(line));
    log('OIDC-CONFIGURED');
  } catch (error) {
    log(`OIDC-CONFIG-ERROR ${error.message}`);
  }
});
input.on('close', stop);
