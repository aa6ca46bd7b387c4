// The OAuth 2.0 / OpenID Connect authorization servers end to end, with clients nobody here
// wrote: openid-client completes the authorization-code flow with PKCE (through the server's own
// sign-in and consent pages) and refreshes; @okta/jwt-verifier verifies the access tokens
// against the JWKS; the Okta Node SDK lists and revokes the user's grants and refresh tokens.
// Also: rotation and reuse of refresh tokens, introspection and revocation, Bearer tokens on the
// Management API within their scopes, sessions, key rotation, and deprovisioning revoking all.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import OktaJwtVerifier from '@okta/jwt-verifier';
import okta from '@okta/okta-sdk-nodejs';
import { startServer, assertOktaError, eventually, STRONG_PASSWORD, Client } from './harness.mjs';

let server, admin, sdk;
before(async () => {
  server = await startServer();
  admin = server.client();
  sdk = new okta.Client({ orgUrl: server.base, token: server.token });
});
after(async () => { await server?.stop(); });

const REDIRECT = 'https://rp.example.com/callback';

async function oidcApp({ label = 'RP', consent = 'TRUSTED', method = 'client_secret_basic', grants = ['authorization_code', 'refresh_token'], type = 'web' } = {}) {
  const res = await admin.post('/api/v1/apps', {
    name: 'oidc_client', label, signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: method } },
    settings: { oauthClient: { redirect_uris: [REDIRECT], post_logout_redirect_uris: ['https://rp.example.com/bye'],
      response_types: ['code'], grant_types: grants, application_type: type, consent_method: consent } },
  });
  assert.equal(res.status, 200, res.text);
  return { id: res.body.id, secret: res.body.credentials.oauthClient.client_secret };
}

async function assignedUser(appId, extra = {}) {
  const u = await admin.createUser({ password: STRONG_PASSWORD, ...extra });
  const res = await admin.post(`/api/v1/apps/${appId}/users`, { id: u.id });
  assert.equal(res.status, 200, res.text);
  return u;
}

const unescape = (s) => s.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
const formAction = (html) => new URL(unescape(html.match(/<form method="post" action="([^"]+)"/)[1]), server.base);
const form = (fields) => ({ method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

/// A browser's trip through /authorize: the sign-in page, then (when asked) the consent page.
/// Returns the final redirect and the session cookie.
async function browserSignIn(authUrl, login, password, { consent = 'allow', cookie } = {}) {
  let res = await fetch(authUrl, { redirect: 'manual', headers: cookie ? { cookie } : {} });
  if (res.status === 302) return { location: new URL(res.headers.get('location')), cookie };
  assert.equal(res.status, 200);
  let html = await res.text();
  if (html.includes('name="step" value="signin"')) {
    res = await fetch(formAction(html), form({ step: 'signin', username: login, password }));
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0];
    if (res.status !== 200) return { location: res.headers.get('location') && new URL(res.headers.get('location')), cookie, status: res.status };
    html = await res.text();
  }
  assert.match(html, /name="step" value="consent"/, html);
  const csrf = html.match(/name="csrf" value="([^"]+)"/)[1];
  res = await fetch(formAction(html), { ...form({ step: 'consent', csrf, consent }), headers: { 'content-type': 'application/x-www-form-urlencoded', cookie } });
  assert.equal(res.status, 302, await res.text());
  return { location: new URL(res.headers.get('location')), cookie, consented: true };
}

async function discover(issuer, app) {
  return oidc.discovery(new URL(issuer), app.id, undefined, app.secret ? oidc.ClientSecretBasic(app.secret) : oidc.None(),
    { execute: [oidc.allowInsecureRequests] });
}

async function codeFlow(config, user, { scope = 'openid profile email offline_access', consent } = {}) {
  const verifier = oidc.randomPKCECodeVerifier();
  const challenge = await oidc.calculatePKCECodeChallenge(verifier);
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope, code_challenge: challenge, code_challenge_method: 'S256', state, nonce });
  const trip = await browserSignIn(url, user.profile.login, STRONG_PASSWORD, { consent });
  assert.equal(trip.location.origin + trip.location.pathname, REDIRECT, String(trip.location));
  const tokens = await oidc.authorizationCodeGrant(config, trip.location, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  return { tokens, trip };
}

const form_post = (path, fields, auth) => fetch(server.base + path, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: 'Basic ' + Buffer.from(`${auth.id}:${auth.secret}`).toString('base64') } : {}) },
  body: new URLSearchParams(fields).toString(),
}).then(async (r) => ({ status: r.status, headers: r.headers, text: await r.clone().text(), body: await r.json().catch(() => undefined) }));

test('discovery documents and the JWKS describe both servers', async () => {
  for (const [issuer, path] of [[server.base, '/.well-known/openid-configuration'], [`${server.base}/oauth2/default`, '/oauth2/default/.well-known/openid-configuration']]) {
    const res = await fetch(server.base + path);
    assert.equal(res.status, 200);
    const meta = await res.json();
    assert.equal(meta.issuer, issuer);
    assert.deepEqual(meta.code_challenge_methods_supported, ['S256']);
    const keys = await (await fetch(meta.jwks_uri)).json();
    assert.ok(keys.keys.length >= 1);
    for (const k of keys.keys) { assert.equal(k.kty, 'RSA'); assert.equal(k.alg, 'RS256'); assert.ok(k.kid && k.n && k.e); assert.equal(k.d, undefined); }
  }
  assertOktaError(assert, await admin.get('/oauth2/nosuch/v1/keys'), 404, 'E0000007');
});

test('openid-client: code + PKCE through the sign-in page, ID token, userinfo, refresh with rotation', async () => {
  const app = await oidcApp();
  const user = await assignedUser(app.id);
  const config = await discover(`${server.base}/oauth2/default`, app);
  const { tokens } = await codeFlow(config, user);
  assert.equal(tokens.token_type.toLowerCase(), 'bearer');
  assert.ok(tokens.access_token && tokens.id_token && tokens.refresh_token);
  const claims = tokens.claims();
  assert.equal(claims.sub, user.id);
  assert.equal(claims.email, user.profile.email);
  assert.equal(claims.iss, `${server.base}/oauth2/default`);

  const info = await oidc.fetchUserInfo(config, tokens.access_token, user.id);
  assert.equal(info.preferred_username, user.profile.login);

  // The access token verifies against the JWKS with Okta's own verifier and carries Okta's claims.
  const verifier = new OktaJwtVerifier({ issuer: `${server.base}/oauth2/default`, testing: { disableHttpsCheck: true } });
  const jwt = await verifier.verifyAccessToken(tokens.access_token, 'api://default');
  assert.equal(jwt.claims.cid, app.id);
  assert.equal(jwt.claims.uid, user.id);
  assert.equal(jwt.claims.sub, user.profile.login);
  assert.equal(jwt.claims.ver, 1);
  assert.deepEqual(jwt.claims.scp, ['openid', 'profile', 'email', 'offline_access']);
  assert.match(jwt.claims.jti, /^AT\./);

  // Refresh: a new refresh token each time; the spent one, presented again, revokes the token.
  const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
  assert.ok(refreshed.access_token);
  assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
  await verifier.verifyAccessToken(refreshed.access_token, 'api://default');
  await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (e) => e.error === 'invalid_grant');
  await assert.rejects(oidc.refreshTokenGrant(config, refreshed.refresh_token), (e) => e.error === 'invalid_grant');
  const introspected = await form_post('/oauth2/default/v1/introspect', { token: refreshed.access_token }, app);
  assert.equal(introspected.body.active, false, 'access tokens of a revoked refresh token are inactive');

  // A code is good once.
  const again = await codeFlow(config, user, { scope: 'openid' });
  assert.ok(again.tokens.access_token);
  assert.equal(again.tokens.refresh_token, undefined, 'no offline_access, no refresh token');
});

test('a public client must use PKCE; a wrong verifier fails; errors go back to the client', async () => {
  const app = await oidcApp({ method: 'none', type: 'native' });
  const user = await assignedUser(app.id);
  const q = (extra) => `${server.base}/oauth2/default/v1/authorize?` + new URLSearchParams({ client_id: app.id, redirect_uri: REDIRECT, response_type: 'code', scope: 'openid', state: 's1', ...extra });
  let res = await fetch(q({}), { redirect: 'manual' });
  assert.equal(res.status, 302);
  let to = new URL(res.headers.get('location'));
  assert.equal(to.searchParams.get('error'), 'invalid_request');
  assert.equal(to.searchParams.get('state'), 's1');
  // An unregistered redirect URI is never followed.
  res = await fetch(q({ redirect_uri: 'https://evil.example.com/cb', code_challenge: 'x'.repeat(43) }), { redirect: 'manual' });
  assert.equal(res.status, 400);
  assert.match(await res.text(), /redirect_uri/);
  res = await fetch(q({ scope: 'openid nosuch.okta.scope okta.users.read' , code_challenge: 'x'.repeat(43) }), { redirect: 'manual' });
  to = new URL(res.headers.get('location'));
  assert.equal(to.searchParams.get('error'), 'invalid_scope');

  const config = await discover(`${server.base}/oauth2/default`, { id: app.id });
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'st' });
  const trip = await browserSignIn(url, user.profile.login, STRONG_PASSWORD);
  const code = trip.location.searchParams.get('code');
  const wrong = await form_post('/oauth2/default/v1/token', { grant_type: 'authorization_code', client_id: app.id, code, redirect_uri: REDIRECT, code_verifier: oidc.randomPKCECodeVerifier() });
  assert.equal(wrong.status, 400);
  assert.equal(wrong.body.error, 'invalid_grant');
  // The code was spent by the failed attempt too: a code is redeemed at most once.
  const right = await form_post('/oauth2/default/v1/token', { grant_type: 'authorization_code', client_id: app.id, code, redirect_uri: REDIRECT, code_verifier: verifier });
  assert.equal(right.body.error, 'invalid_grant');

  // With the session cookie, a second authorize needs no sign-in page.
  const verifier2 = oidc.randomPKCECodeVerifier();
  const url2 = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier2), code_challenge_method: 'S256', state: 'st2', prompt: 'none' });
  res = await fetch(url2, { redirect: 'manual', headers: { cookie: trip.cookie } });
  assert.equal(res.status, 302);
  const code2 = new URL(res.headers.get('location')).searchParams.get('code');
  const ok = await form_post('/oauth2/default/v1/token', { grant_type: 'authorization_code', client_id: app.id, code: code2, redirect_uri: REDIRECT, code_verifier: verifier2 });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.headers.get('cache-control'), 'no-store');

  // Without a session, prompt=none is login_required; an unassigned user is access_denied.
  res = await fetch(url2, { redirect: 'manual' });
  assert.equal(new URL(res.headers.get('location')).searchParams.get('error'), 'login_required');
  const stranger = await admin.createUser({ password: STRONG_PASSWORD });
  const denied = await browserSignIn(url2.href.replace('prompt=none', 'prompt=login'), stranger.profile.login, STRONG_PASSWORD);
  assert.equal(denied.location.searchParams.get('error'), 'access_denied');
});

test('consent: asked once per scope, recorded as grants, listed and revoked through the SDK; revoking asks again', async () => {
  const app = await oidcApp({ label: 'Consenting RP', consent: 'REQUIRED' });
  const user = await assignedUser(app.id);
  const config = await discover(`${server.base}/oauth2/default`, app);
  const first = await codeFlow(config, user, { scope: 'openid profile email offline_access' });
  assert.equal(first.trip.consented, true);

  const grants = [];
  for await (const g of await sdk.userApi.listUserGrants({ userId: user.id, expand: 'scope' })) grants.push(g);
  assert.deepEqual(grants.map((g) => g.scopeId).sort(), grants.map((g) => g.scopeId).sort());
  assert.equal(grants.length, 3, 'profile, email, offline_access (openid needs none)');
  for (const g of grants) {
    assert.equal(g.clientId, app.id);
    assert.equal(g.userId, user.id);
    assert.equal(g.status, 'ACTIVE');
    assert.equal(g.source, 'END_USER');
    assert.equal(g.issuer, `${server.base}/oauth2/default`);
    assert.match(g.id, /^oag[A-Za-z0-9]{17}$/);
  }
  const one = await sdk.userApi.getUserGrant({ userId: user.id, grantId: grants[0].id });
  assert.equal(one.id, grants[0].id);

  // Consent given: no consent page the second time.
  const second = await codeFlow(config, user, { scope: 'openid profile' });
  assert.equal(second.trip.consented, undefined);

  const clients = [];
  for await (const c of await sdk.userApi.listUserClients({ userId: user.id })) clients.push(c);
  assert.deepEqual(clients.map((c) => c.client_id), [app.id]);
  assert.equal(clients[0].client_name, 'Consenting RP');

  const perClient = [];
  for await (const g of await sdk.userApi.listGrantsForUserAndClient({ userId: user.id, clientId: app.id })) perClient.push(g.id);
  assert.equal(perClient.length, 3);

  const tokens = [];
  for await (const t of await sdk.userApi.listRefreshTokensForUserAndClient({ userId: user.id, clientId: app.id, expand: 'scope' })) tokens.push(t);
  assert.equal(tokens.length, 1);
  assert.deepEqual(tokens[0].scopes, ['openid', 'profile', 'email', 'offline_access']);
  const raw = await admin.get(`/api/v1/users/${user.id}/clients/${app.id}/tokens/${tokens[0].id}?expand=scope`);
  assert.equal(raw.status, 200);
  assert.equal(raw.body._embedded.scopes.length, 4);
  assert.equal(raw.body._links.revoke.hints.allow[0], 'DELETE');

  // Revoking the refresh token stops it at /token and its access tokens at /introspect.
  await sdk.userApi.revokeTokenForUserAndClient({ userId: user.id, clientId: app.id, tokenId: tokens[0].id });
  await assert.rejects(oidc.refreshTokenGrant(config, first.tokens.refresh_token), (e) => e.error === 'invalid_grant');
  const intro = await form_post('/oauth2/default/v1/introspect', { token: first.tokens.access_token }, app);
  assert.equal(intro.body.active, false);
  assertOktaError(assert, await admin.get(`/api/v1/users/${user.id}/clients/${app.id}/tokens/${tokens[0].id}`), 404, 'E0000007');

  // Revoking the grants asks for consent again.
  await sdk.userApi.revokeUserGrant({ userId: user.id, grantId: grants[0].id });
  await sdk.userApi.revokeGrantsForUserAndClient({ userId: user.id, clientId: app.id });
  const left = await admin.get(`/api/v1/users/${user.id}/grants`);
  assert.deepEqual(left.body, []);
  const third = await codeFlow(config, user, { scope: 'openid profile' });
  assert.equal(third.trip.consented, true);

  // Denying consent goes back to the client as access_denied.
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid email', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'd' });
  const denied = await browserSignIn(url, user.profile.login, STRONG_PASSWORD, { consent: 'deny' });
  assert.equal(denied.location.searchParams.get('error'), 'access_denied');
});

test('introspection and revocation of access tokens; client_credentials; a client sees only its own tokens', async () => {
  const app = await oidcApp({ grants: ['client_credentials'], type: 'service' });
  const other = await oidcApp({ grants: ['client_credentials'], type: 'service' });
  const res = await form_post('/oauth2/default/v1/token', { grant_type: 'client_credentials', scope: 'inventory:read' }, app);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.scope, 'inventory:read');
  assert.equal(res.body.id_token, undefined);
  const at = res.body.access_token;
  let intro = await form_post('/oauth2/default/v1/introspect', { token: at }, app);
  assert.equal(intro.body.active, true);
  assert.equal(intro.body.client_id, app.id);
  assert.equal(intro.body.token_type, 'Bearer');
  intro = await form_post('/oauth2/default/v1/introspect', { token: at }, other);
  assert.equal(intro.body.active, false);
  // Revoking another client's token changes nothing; revoking one's own ends it.
  assert.equal((await form_post('/oauth2/default/v1/revoke', { token: at }, other)).status, 200);
  assert.equal((await form_post('/oauth2/default/v1/introspect', { token: at }, app)).body.active, true);
  assert.equal((await form_post('/oauth2/default/v1/revoke', { token: at }, app)).status, 200);
  assert.equal((await form_post('/oauth2/default/v1/introspect', { token: at }, app)).body.active, false);

  const bad = await form_post('/oauth2/default/v1/token', { grant_type: 'client_credentials', scope: 'x' }, { id: app.id, secret: 'wrong-secret-1234' });
  assert.equal(bad.status, 401);
  assert.equal(bad.body.error, 'invalid_client');
  const openid = await form_post('/oauth2/default/v1/token', { grant_type: 'client_credentials', scope: 'openid' }, app);
  assert.equal(openid.body.error, 'invalid_scope');
  const pw = await form_post('/oauth2/default/v1/token', { grant_type: 'password', username: 'a', password: 'b', scope: 'openid' }, app);
  assert.equal(pw.body.error, 'unauthorized_client');
  const json = await fetch(`${server.base}/oauth2/default/v1/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  assert.equal(json.status, 400);
  assert.equal((await json.json()).error, 'invalid_request');
});

test('Bearer tokens of the org server act as their user on the Management API, within their scopes', async () => {
  const app = await oidcApp({ grants: ['password', 'refresh_token', 'authorization_code'] });
  const adminUser = await assignedUser(app.id);
  assert.equal((await admin.post(`/api/v1/users/${adminUser.id}/roles`, { type: 'READ_ONLY_ADMIN' })).status, 201);
  const plain = await assignedUser(app.id);
  const token = async (u, scope) => {
    const r = await form_post('/oauth2/v1/token', { grant_type: 'password', username: u.profile.login, password: STRONG_PASSWORD, scope }, app);
    assert.equal(r.status, 200, r.text);
    return r.body.access_token;
  };
  const bearer = (t) => ({ authorization: `Bearer ${t}` });
  const get = (path, t) => fetch(server.base + path, { headers: bearer(t) }).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null) }));

  const readUsers = await token(adminUser, 'openid okta.users.read');
  assert.equal((await get(`/api/v1/users/${plain.id}`, readUsers)).status, 200);
  // In scope but not in the user's roles: refused; in the roles but not in scope: refused.
  const manage = await token(adminUser, 'okta.users.manage');
  const del = await fetch(`${server.base}/api/v1/users/${plain.id}/lifecycle/suspend`, { method: 'POST', headers: bearer(manage) });
  assert.equal(del.status, 403);
  assert.equal((await get('/api/v1/groups', readUsers)).status, 403);
  // A token without okta.* scopes, a token of the default server, a forged one: 401.
  assert.equal((await get(`/api/v1/users/${plain.id}`, await token(adminUser, 'openid'))).status, 401);
  const custom = await form_post('/oauth2/default/v1/token', { grant_type: 'password', username: adminUser.profile.login, password: STRONG_PASSWORD, scope: 'openid' }, app);
  assert.equal((await get(`/api/v1/users/${plain.id}`, custom.body.access_token)).status, 401);
  const [h, p] = readUsers.split('.');
  const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url')), scp: ['okta.users.manage'] })).toString('base64url')}.${readUsers.split('.')[2]}`;
  assert.equal((await get(`/api/v1/users/${plain.id}`, forged)).status, 401);
  // A plain user's own record is theirs to read with a scoped token.
  const own = await token(plain, 'okta.users.read.self');
  assert.equal((await get(`/api/v1/users/${plain.id}/grants`, own)).status, 200);
  assert.equal((await get(`/api/v1/users/${adminUser.id}`, own)).status, 403);

  // Revoked: 401.
  assert.equal((await form_post('/oauth2/v1/revoke', { token: readUsers }, app)).status, 200);
  assert.equal((await get(`/api/v1/users/${plain.id}`, readUsers)).status, 401);
});

test('sessions: from a session token, the cookie at /sessions/me, ended for a user; deprovisioning revokes everything', async () => {
  const app = await oidcApp({ consent: 'REQUIRED' });
  const user = await assignedUser(app.id);
  const anon = new Client(server.base, null);
  const authn = await anon.post('/api/v1/authn', { username: user.profile.login, password: STRONG_PASSWORD });
  assert.equal(authn.body.status, 'SUCCESS');
  const made = await admin.post('/api/v1/sessions', { sessionToken: authn.body.sessionToken });
  assert.equal(made.status, 200, made.text);
  assert.match(made.body.id, /^102[A-Za-z0-9]{17}$/);
  assert.equal(made.body.userId, user.id);
  assert.equal(made.body.status, 'ACTIVE');
  const cookie = made.headers.get('set-cookie').split(';')[0];
  assert.match(made.headers.get('set-cookie'), /HttpOnly/);
  // A session token is good once.
  assertOktaError(assert, await admin.post('/api/v1/sessions', { sessionToken: authn.body.sessionToken }), 401, 'E0000004');
  const me = await fetch(`${server.base}/api/v1/sessions/me`, { headers: { cookie } });
  assert.equal(me.status, 200);
  assert.equal((await me.json()).id, made.body.id);
  assert.equal((await admin.get(`/api/v1/sessions/${made.body.id}`)).body.login, user.profile.login);

  // The same session signs the user in at /authorize (consent still asked).
  const config = await discover(`${server.base}/oauth2/default`, app);
  const verifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: REDIRECT, scope: 'openid offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'x' });
  const trip = await browserSignIn(url, user.profile.login, 'unused', { cookie });
  const tokens = await oidc.authorizationCodeGrant(config, trip.location, { pkceCodeVerifier: verifier, expectedState: 'x' });

  await sdk.userApi.revokeUserSessions({ userId: user.id });
  assert.equal((await fetch(`${server.base}/api/v1/sessions/me`, { headers: { cookie } })).status, 404);

  // Deactivation (deprovisioning, through the workers) revokes grants and refresh tokens.
  assert.equal((await admin.get(`/api/v1/users/${user.id}/grants`)).body.length, 1);
  const deact = await admin.post(`/api/v1/users/${user.id}/lifecycle/deactivate`);
  assert.equal(deact.status, 200, deact.text);
  await eventually(async () => (await admin.get(`/api/v1/users/${user.id}/grants`)).body.length === 0, 'grants revoked');
  assert.deepEqual((await admin.get(`/api/v1/users/${user.id}/clients`)).body, []);
  await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (e) => e.error === 'invalid_grant');
});

test('key rotation: the new key signs, the old one stays published until the next rotation', async () => {
  const app = await oidcApp({ grants: ['client_credentials'], type: 'service' });
  const mint = async () => (await form_post('/oauth2/default/v1/token', { grant_type: 'client_credentials', scope: 'k' }, app)).body.access_token;
  const before = await mint();
  const rotated = await admin.post('/api/v1/authorizationServers/default/credentials/lifecycle/keyRotate', { use: 'sig' });
  assert.equal(rotated.status, 200, rotated.text);
  assert.deepEqual(rotated.body.map((k) => k.status), ['ACTIVE', 'INACTIVE']);
  const after = await mint();
  const kid = (t) => JSON.parse(Buffer.from(t.split('.')[0], 'base64url')).kid;
  assert.notEqual(kid(before), kid(after));
  const verifier = new OktaJwtVerifier({ issuer: `${server.base}/oauth2/default`, testing: { disableHttpsCheck: true } });
  await verifier.verifyAccessToken(before, 'api://default');
  await verifier.verifyAccessToken(after, 'api://default');
  const listed = await admin.get('/api/v1/authorizationServers/default/credentials/keys');
  assert.equal(listed.body.length, 2);
  assert.ok(!listed.text.includes('"d"'));
});

test('DELETE /users/{id}/sessions?oauthTokens=true also revokes the refresh tokens issued to the user', async () => {
  const app = await oidcApp({ grants: ['password', 'refresh_token', 'authorization_code'] });
  const u = await assignedUser(app.id);
  const issued = await form_post('/oauth2/default/v1/token', { grant_type: 'password', username: u.profile.login, password: STRONG_PASSWORD, scope: 'openid offline_access' }, app);
  assert.equal(issued.status, 200, issued.text);
  assert.ok(issued.body.refresh_token);
  // Without the flag only sessions end: the refresh token still works.
  assert.equal((await admin.delete(`/api/v1/users/${u.id}/sessions`)).status, 204);
  const refreshed = await form_post('/oauth2/default/v1/token', { grant_type: 'refresh_token', refresh_token: issued.body.refresh_token }, app);
  assert.equal(refreshed.status, 200, refreshed.text);
  assert.equal((await admin.delete(`/api/v1/users/${u.id}/sessions?oauthTokens=maybe`)).status, 400);
  assert.equal((await admin.delete(`/api/v1/users/${u.id}/sessions?oauthTokens=true`)).status, 204);
  const refused = await form_post('/oauth2/default/v1/token', { grant_type: 'refresh_token', refresh_token: refreshed.body.refresh_token }, app);
  assert.equal(refused.status, 400);
  assert.equal(refused.body.error, 'invalid_grant');
  assert.equal((await admin.get(`/api/v1/users/${u.id}/clients/${app.id}/tokens`)).body.length, 0);
});
