// ThreatInsight enforced on sign-ins (okta-api-notes §7): an address that fails too many
// sign-ins is flagged; with action audit its sign-ins go on and are logged as
// security.threat.detected (ALLOW); with block they are refused with 403 E0000006 before the
// password is checked (the user's lockout count does not move); addresses in an excluded zone
// are never judged; ACTIVE BLOCKLIST zones are suspicious from the start.

import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertOktaError, eventually, STRONG_PASSWORD, Client } from './harness.mjs';

const servers = [];
after(async () => { for (const s of servers) await s.stop(); });

async function start(args = []) {
  const server = await startServer({ args: ['--threat-failures-per-address', '3', '--lockout-attempts', '50', ...args] });
  servers.push(server);
  return { server, admin: server.client(), anonymous: new Client(server.base, null) };
}

async function threatLogs(admin) {
  const filter = encodeURIComponent('eventType eq "security.threat.detected"');
  const res = await admin.get(`/api/v1/logs?filter=${filter}&limit=100`);
  assert.equal(res.status, 200, res.text);
  return res.body;
}

const configure = (admin, body) => admin.post('/api/v1/threats/configuration', body);

test('velocity: audit logs and lets through, block refuses before the password, an excluded zone is exempt', async () => {
  const { admin, anonymous } = await start();
  const u = await admin.createUser({ password: STRONG_PASSWORD });
  const signIn = (password) => anonymous.post('/api/v1/authn', { username: u.profile.login, password });

  // With action none nothing is judged, though failures are learnt.
  for (let i = 0; i < 3; ++i) assertOktaError(assert, await signIn('Wrong-password-1'), 401, 'E0000004');
  assert.equal((await signIn(STRONG_PASSWORD)).body.status, 'SUCCESS');
  assert.deepEqual(await threatLogs(admin), []);

  assert.equal((await configure(admin, { action: 'audit' })).status, 200);
  const audited = await signIn(STRONG_PASSWORD);
  assert.equal(audited.status, 200, audited.text);
  assert.equal(audited.body.status, 'SUCCESS');
  const allow = await eventually(async () => (await threatLogs(admin)).find((e) => e.outcome.result === 'ALLOW'));
  assert.equal(allow.client.ipAddress, '127.0.0.1');
  assert.match(allow.outcome.reason, /high rate/);
  assert.equal(allow.displayMessage, 'Request from suspicious actor');

  assert.equal((await configure(admin, { action: 'block' })).status, 200);
  const failuresBefore = (await admin.get(`/api/v1/users/${u.id}`)).body;
  const blocked = await signIn(STRONG_PASSWORD);
  assertOktaError(assert, blocked, 403, 'E0000006');
  assertOktaError(assert, await signIn('Wrong-password-1'), 403, 'E0000006');
  const deny = await eventually(async () => (await threatLogs(admin)).find((e) => e.outcome.result === 'DENY'));
  assert.equal(deny.client.ipAddress, '127.0.0.1');
  // Refused before the password: nothing happened to the user.
  const after = (await admin.get(`/api/v1/users/${u.id}`)).body;
  assert.equal(after.status, 'ACTIVE');
  assert.equal(after.lastLogin, failuresBefore.lastLogin);

  // An ACTIVE zone holding the address, excluded, exempts it; deactivated, it no longer does.
  const zone = (await admin.post('/api/v1/zones', {
    type: 'IP', name: 'loopback', gateways: [{ type: 'CIDR', value: '127.0.0.0/8' }],
  })).body;
  assert.equal(zone.status, 'ACTIVE');
  assert.equal((await configure(admin, { action: 'block', excludeZones: [zone.id] })).status, 200);
  assert.equal((await signIn(STRONG_PASSWORD)).body.status, 'SUCCESS');
  await admin.post(`/api/v1/zones/${zone.id}/lifecycle/deactivate`);
  assertOktaError(assert, await signIn(STRONG_PASSWORD), 403, 'E0000006');
});

test('password spraying across usernames flags the address; the accounts are never locked', async () => {
  const { admin, anonymous } = await start(['--threat-failures-per-address', '100', '--threat-usernames-per-address', '3', '--lockout-attempts', '2']);
  assert.equal((await configure(admin, { action: 'block' })).status, 200);
  const users = [];
  for (let i = 0; i < 3; ++i) users.push(await admin.createUser({ password: STRONG_PASSWORD }));
  for (const u of users)
    assertOktaError(assert, await anonymous.post('/api/v1/authn', { username: u.profile.login, password: 'Spray-password-1' }), 401, 'E0000004');
  // The address is flagged now: even the right password is refused, and further guesses do not
  // count toward any user's lockout (two failures would lock).
  for (let i = 0; i < 3; ++i)
    assertOktaError(assert, await anonymous.post('/api/v1/authn', { username: users[0].profile.login, password: 'Spray-password-2' }), 403, 'E0000006');
  for (const u of users) assert.equal((await admin.get(`/api/v1/users/${u.id}`)).body.status, 'ACTIVE');
  const deny = await eventually(async () => (await threatLogs(admin)).find((e) => e.outcome.result === 'DENY'));
  assert.match(deny.outcome.reason, /spraying/);
});

test('an ACTIVE BLOCKLIST zone is suspicious from the first request; the password grant is refused too', async () => {
  const { admin, anonymous } = await start();
  const u = await admin.createUser({ password: STRONG_PASSWORD });
  const zone = (await admin.post('/api/v1/zones', {
    type: 'IP', name: 'deny', usage: 'BLOCKLIST', gateways: [{ type: 'RANGE', value: '127.0.0.1-127.0.0.1' }],
  })).body;
  assert.equal(zone.usage, 'BLOCKLIST');
  const signIn = () => anonymous.post('/api/v1/authn', { username: u.profile.login, password: STRONG_PASSWORD });
  assert.equal((await signIn()).body.status, 'SUCCESS', 'action none: not enforced');
  assert.equal((await configure(admin, { action: 'block' })).status, 200);
  assertOktaError(assert, await signIn(), 403, 'E0000006');
  const deny = await eventually(async () => (await threatLogs(admin)).find((e) => e.outcome.result === 'DENY'));
  assert.match(deny.outcome.reason, new RegExp(zone.id));

  // The authorization server's password grant is judged the same way.
  const app = (await admin.post('/api/v1/apps', {
    name: 'oidc_client', label: 'Threat test', signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_post' } },
    settings: { oauthClient: { grant_types: ['authorization_code', 'password'], response_types: ['code'],
      redirect_uris: ['https://rp.example.com/callback'], application_type: 'web' } },
  })).body;
  assert.ok(app.id, JSON.stringify(app));
  const token = await fetch(`${admin.base}/oauth2/default/v1/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'password', username: u.profile.login, password: STRONG_PASSWORD, scope: 'openid',
      client_id: app.credentials.oauthClient.client_id, client_secret: app.credentials.oauthClient.client_secret,
    }),
  });
  assert.equal(token.status, 403);
  assert.equal((await token.json()).error, 'access_denied');

  await admin.post(`/api/v1/zones/${zone.id}/lifecycle/deactivate`);
  assert.equal((await signIn()).body.status, 'SUCCESS');
});
