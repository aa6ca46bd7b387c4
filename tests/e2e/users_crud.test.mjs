// Users: create, read, update, replace, delete — with Okta's status codes and errors.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertOktaError, STRONG_PASSWORD, clockPast } from './harness.mjs';

let server, api;
before(async () => { server = await startServer(); api = server.client(); });
after(async () => { await server?.stop(); });

const profile = (login, extra = {}) => ({ firstName: 'Isaac', lastName: 'Brock', email: login, login, ...extra });

test('create without activate defaults to activate=true: PROVISIONED without a password', async () => {
  const u = await api.createUser();
  assert.match(u.id, /^00u[A-Za-z0-9]{17}$/);
  assert.equal(u.status, 'PROVISIONED');
  assert.equal(u.activated, null);
  assert.deepEqual(u.credentials.provider, { type: 'OKTA', name: 'OKTA' });
  assert.equal(u.credentials.password, undefined);
  assert.match(u.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(u._links.self.href, `${server.base}/api/v1/users/${u.id}`);
  assert.ok(u._links.reactivate);
});

test('create with a password is ACTIVE and never echoes the password', async () => {
  const res = await api.post('/api/v1/users?activate=true', {
    profile: profile('active.user@example.com', { customAttr: 'kept', tags: ['a', 'b'] }),
    credentials: { password: { value: STRONG_PASSWORD }, recovery_question: { question: 'Favourite colour?', answer: 'ultramarine' } },
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.status, 'ACTIVE');
  assert.deepEqual(res.body.credentials.password, {});
  assert.deepEqual(res.body.credentials.recovery_question, { question: 'Favourite colour?' });
  assert.ok(!res.text.includes(STRONG_PASSWORD));
  assert.ok(!res.text.includes('ultramarine'));
  assert.equal(res.body.profile.customAttr, 'kept');
  assert.deepEqual(res.body.profile.tags, ['a', 'b']);
  assert.ok(res.body.activated);
  assert.ok(res.body.passwordChanged);
  assert.equal(res.headers.get('content-type'), 'application/json');
});

test('activate=false gives STAGED; nextLogin=changePassword gives PASSWORD_EXPIRED', async () => {
  assert.equal((await api.createUser({ activate: false })).status, 'STAGED');
  const expired = await api.createUser({ activate: true, password: STRONG_PASSWORD, query: 'nextLogin=changePassword' });
  assert.equal(expired.status, 'PASSWORD_EXPIRED');
  const noPw = await api.post('/api/v1/users?nextLogin=changePassword', { profile: profile('np@example.com') });
  assertOktaError(assert, noPw, 400, 'E0000124');
  const staged = await api.post('/api/v1/users?activate=false&nextLogin=changePassword', {
    profile: profile('np2@example.com'), credentials: { password: { value: STRONG_PASSWORD } },
  });
  assertOktaError(assert, staged, 400, 'E0000125');
});

test('validation: each missing field is a cause; login must be an email', async () => {
  const res = await api.post('/api/v1/users', { profile: { login: 'x@example.com' } });
  assertOktaError(assert, res, 400, 'E0000001');
  const causes = res.body.errorCauses.map((c) => c.errorSummary);
  assert.ok(causes.includes('email: The field cannot be left blank'));
  assert.ok(causes.includes('firstName: The field cannot be left blank'));
  assert.ok(causes.includes('lastName: The field cannot be left blank'));
  const bad = await api.post('/api/v1/users', { profile: profile('not-an-email', { email: 'fine@example.com' }) });
  assertOktaError(assert, bad, 400, 'E0000001');
  assert.equal(bad.body.errorSummary, 'Api validation failed: login');
  assert.equal(bad.body.errorCauses[0].errorSummary, 'login: Username must be in the form of an email address');
});

test('duplicate login, compared case-insensitively', async () => {
  await api.createUser({ profile: profile('dup.login@example.com') });
  const res = await api.post('/api/v1/users', { profile: profile('DUP.Login@Example.com') });
  assertOktaError(assert, res, 400, 'E0000001');
  assert.equal(res.body.errorCauses[0].errorSummary, 'login: An object with this field already exists in the current organization');
});

test('password policy failures name the requirements', async () => {
  const res = await api.post('/api/v1/users', { profile: profile('weak@example.com'), credentials: { password: { value: 'short' } } });
  assertOktaError(assert, res, 400, 'E0000001');
  assert.equal(res.body.errorSummary, 'Api validation failed: password');
  assert.match(res.body.errorCauses[0].errorSummary, /^password: Password requirements were not met\. Password requirements: at least 8 characters/);
});

test('malformed JSON and unknown enum values are E0000003', async () => {
  assertOktaError(assert, await api.post('/api/v1/users', '{"profile":'), 400, 'E0000003');
  assertOktaError(assert, await api.post('/api/v1/users', '[1,2]'), 400, 'E0000003');
  const res = await api.post('/api/v1/users?provider=true', {
    profile: profile('enum@example.com'), credentials: { provider: { type: 'NOT_A_PROVIDER' } },
  });
  assertOktaError(assert, res, 400, 'E0000003');
  assertOktaError(assert, await api.post('/api/v1/users?activate=maybe', { profile: profile('m@example.com') }), 400, 'E0000037');
});

test('imported hashes make an IMPORT provider user; federated users need provider=true', async () => {
  const res = await api.post('/api/v1/users', {
    profile: profile('imported@example.com'),
    credentials: { password: { hash: { algorithm: 'SHA-256', value: 'n4bQgYhMfWWaL+qgxVrQFaO/TxsrC4Is0V1sFbDwCgg=' } } },
  });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.body.status, 'ACTIVE');
  assert.equal(res.body.credentials.provider.type, 'IMPORT');
  const fed = await api.post('/api/v1/users?provider=true', {
    profile: profile('fed@example.com'), credentials: { provider: { type: 'FEDERATION', name: 'FEDERATION' } },
  });
  assert.equal(fed.status, 200, fed.text);
  assert.equal(fed.body.status, 'ACTIVE');
  const noFlag = await api.post('/api/v1/users', {
    profile: profile('fed2@example.com'), credentials: { provider: { type: 'FEDERATION' } },
  });
  assertOktaError(assert, noFlag, 400, 'E0000001');
});

test('get by id, by login (percent-encoded), and me; unknown is E0000007', async () => {
  const u = await api.createUser({ profile: profile('get.me@example.com') });
  const byId = await api.get(`/api/v1/users/${u.id}`);
  assert.equal(byId.status, 200);
  assert.deepEqual(byId.body, u);
  assert.ok(byId.headers.get('etag'));
  const byLogin = await api.get('/api/v1/users/get.me%40example.com');
  assert.equal(byLogin.body.id, u.id);
  const me = await api.get('/api/v1/users/me');
  assert.equal(me.body.profile.login, 'admin@idledger.local');
  const missing = await api.get('/api/v1/users/00uDoesNotExist000001');
  assertOktaError(assert, missing, 404, 'E0000007');
  assert.equal(missing.body.errorSummary, 'Not found: Resource not found: 00uDoesNotExist000001 (User)');
});

test('POST merges the profile; PUT replaces it; lastUpdated advances', async () => {
  const u = await api.createUser({ profile: profile('update.me@example.com', { nickName: 'Izzy', title: 'Eng' }) });
  await clockPast(u.lastUpdated);
  const merged = await api.post(`/api/v1/users/${u.id}`, { profile: { title: 'Lead' } });
  assert.equal(merged.status, 200, merged.text);
  assert.equal(merged.body.profile.title, 'Lead');
  assert.equal(merged.body.profile.nickName, 'Izzy');
  assert.ok(merged.body.lastUpdated > u.lastUpdated);
  // SDK-style: the whole fetched user sent back, read-only fields included and ignored.
  const whole = { ...merged.body, status: 'SUSPENDED', id: 'ignored', profile: { ...merged.body.profile, nickName: null } };
  const replaced = await api.put(`/api/v1/users/${u.id}`, whole);
  assert.equal(replaced.status, 200, replaced.text);
  assert.equal(replaced.body.status, 'PROVISIONED');
  assert.equal(replaced.body.profile.nickName, null);
  const minimal = await api.put(`/api/v1/users/${u.id}`, { profile: profile('update.me@example.com') });
  assert.equal(minimal.body.profile.title, undefined);
  const incomplete = await api.put(`/api/v1/users/${u.id}`, { profile: { login: 'update.me@example.com' } });
  assertOktaError(assert, incomplete, 400, 'E0000001');
});

test('update cannot take another user\'s login', async () => {
  await api.createUser({ profile: profile('taken.login@example.com') });
  const u = await api.createUser();
  const res = await api.post(`/api/v1/users/${u.id}`, { profile: { login: 'TAKEN.login@example.com' } });
  assertOktaError(assert, res, 400, 'E0000001');
});

test('If-Match: a stale ETag is 412 E0000231, a malformed one 400 E0000242', async () => {
  const u = await api.createUser();
  const got = await api.get(`/api/v1/users/${u.id}`);
  const etag = got.headers.get('etag');
  const ok = await api.post(`/api/v1/users/${u.id}`, { profile: { title: 'A' } }, { headers: { 'If-Match': etag } });
  assert.equal(ok.status, 200);
  const stale = await api.post(`/api/v1/users/${u.id}`, { profile: { title: 'B' } }, { headers: { 'If-Match': etag } });
  assertOktaError(assert, stale, 412, 'E0000231');
  const bad = await api.post(`/api/v1/users/${u.id}`, { profile: { title: 'B' } }, { headers: { 'If-Match': 'nonsense' } });
  assertOktaError(assert, bad, 400, 'E0000242');
});

test('DELETE deactivates first (202, no body, no Content-Type), then deletes permanently', async () => {
  const u = await api.createUser({ password: STRONG_PASSWORD });
  const first = await api.delete(`/api/v1/users/${u.id}`);
  assert.equal(first.status, 202);
  assert.equal(first.text, '');
  assert.equal(first.headers.get('content-type'), null);
  const deprovisioned = await api.get(`/api/v1/users/${u.id}`);
  assert.equal(deprovisioned.body.status, 'DEPROVISIONED');
  assertOktaError(assert, await api.post(`/api/v1/users/${u.id}`, { profile: { title: 'x' } }), 404, 'E0000007');
  assert.equal((await api.delete(`/api/v1/users/${u.id}`)).status, 202);
  assertOktaError(assert, await api.get(`/api/v1/users/${u.id}`), 404, 'E0000007');
  assertOktaError(assert, await api.delete(`/api/v1/users/${u.id}`), 404, 'E0000007');
  // The login is free again.
  await api.createUser({ profile: { login: u.profile.login, email: u.profile.email } });
});

test('login short names find a user only when unambiguous', async () => {
  const u = await api.createUser({ profile: { login: 'shorty.unique@example.com', email: 'shorty.unique@example.com' } });
  assert.equal((await api.get('/api/v1/users/shorty.unique')).body.id, u.id);
  await api.createUser({ profile: { login: 'twin@example.com', email: 'twin@example.com' } });
  await api.createUser({ profile: { login: 'twin@example.org', email: 'twin@example.org' } });
  assertOktaError(assert, await api.get('/api/v1/users/twin'), 404, 'E0000007');
  // Renaming frees the short name.
  await api.post(`/api/v1/users/${u.id}`, { profile: { login: 'renamed.shorty@example.com' } });
  assertOktaError(assert, await api.get('/api/v1/users/shorty.unique'), 404, 'E0000007');
  assert.equal((await api.get('/api/v1/users/renamed.shorty')).body.id, u.id);
});

test('okta-response omits credentials, credential links and transitioningToStatus on request', async () => {
  const u = await api.createUser({ password: STRONG_PASSWORD });
  const h = { 'Content-Type': 'application/json; okta-response="omitCredentials,omitCredentialsLinks"' };
  const res = await api.get(`/api/v1/users/${u.id}`, { headers: h });
  assert.equal(res.body.credentials, undefined);
  assert.equal(res.body._links.changePassword, undefined);
  assert.equal(res.body._links.resetPassword, undefined);
  assert.ok(res.body._links.suspend);
  const list = await api.get('/api/v1/users?limit=5', { headers: h });
  assert.ok(list.body.every((x) => x.credentials === undefined));
  assert.ok((await api.get(`/api/v1/users/${u.id}`)).body.credentials, 'without the header nothing is omitted');
});
