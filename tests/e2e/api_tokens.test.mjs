// API tokens: Okta's endpoints plus the minting extension; tokens act as their user.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, assertOktaError, STRONG_PASSWORD } from './harness.mjs';

let server, api;
before(async () => { server = await startServer(); api = server.client(); });
after(async () => { await server?.stop(); });

test('the bootstrap token is listed, and /current resolves to it', async () => {
  const list = await api.get('/api/v1/api-tokens');
  assert.equal(list.status, 200);
  assert.equal(list.body.length, 1);
  assert.equal(list.body[0].name, 'bootstrap');
  assert.match(list.body[0].id, /^00T[A-Za-z0-9]{17}$/);
  assert.equal(list.body[0].token, undefined);
  const current = await api.get('/api/v1/api-tokens/current');
  assert.equal(current.body.id, list.body[0].id);
});

test('a minted token acts as its user: no admin role, no management API', async () => {
  const user = await api.createUser({ password: STRONG_PASSWORD });
  const minted = await api.post('/api/v1/api-tokens', { name: 'automation', userId: user.id });
  assert.equal(minted.status, 200, minted.text);
  assert.match(minted.body.token, /^00[A-Za-z0-9]{40}$/);
  assert.equal(minted.body.userId, user.id);
  const asUser = new Client(server.base, minted.body.token);
  assertOktaError(assert, await asUser.get('/api/v1/users'), 403, 'E0000006');
  assert.equal((await asUser.get('/api/v1/users/me')).body.id, user.id);
  // Another user is refused whether or not it exists (the route's self-or-okta.users.read
  // access decides before any look-up): a token cannot enumerate logins.
  const other = await asUser.get(`/api/v1/users/${(await api.get('/api/v1/users/me')).body.id}`);
  assertOktaError(assert, other, 403, 'E0000006');
  const missing = await asUser.get('/api/v1/users/nobody-at-all@example.com');
  assertOktaError(assert, missing, 403, 'E0000006');
  assertOktaError(assert, await asUser.get('/api/v1/users/admin@idledger.local'), 403, 'E0000006');
  assertOktaError(assert, await asUser.post('/api/v1/api-tokens', { name: 'x', userId: user.id }), 403, 'E0000006');
  // The user sees only its own tokens; the super admin sees all.
  assert.equal((await asUser.get('/api/v1/api-tokens')).body.length, 1);
  assert.equal((await api.get('/api/v1/api-tokens')).body.length, 2);
  // Revoked: the token stops working at once.
  assert.equal((await api.delete(`/api/v1/api-tokens/${minted.body.id}`)).status, 204);
  assertOktaError(assert, await asUser.get('/api/v1/users/me'), 401, 'E0000011');
  assertOktaError(assert, await api.get(`/api/v1/api-tokens/${minted.body.id}`), 404, 'E0000007');
});

test('a deactivated user\'s tokens stop working', async () => {
  const user = await api.createUser({ password: STRONG_PASSWORD });
  const minted = await api.post('/api/v1/api-tokens', { name: 'x', userId: user.id });
  const asUser = new Client(server.base, minted.body.token);
  assert.equal((await asUser.get('/api/v1/users/me')).status, 200);
  await api.post(`/api/v1/users/${user.id}/lifecycle/deactivate`);
  assertOktaError(assert, await asUser.get('/api/v1/users/me'), 401, 'E0000011');
});

test('minting needs a name and an existing user; revoking /current logs the caller out', async () => {
  assertOktaError(assert, await api.post('/api/v1/api-tokens', { userId: 'x' }), 400, 'E0000001');
  assertOktaError(assert, await api.post('/api/v1/api-tokens', { name: 'n', userId: '00uNoSuchUser00000001' }), 404, 'E0000007');
  const me = (await api.get('/api/v1/users/me')).body;
  const second = await api.post('/api/v1/api-tokens', { name: 'second', userId: me.id });
  const c = new Client(server.base, second.body.token);
  assert.equal((await c.delete('/api/v1/api-tokens/current')).status, 204);
  assertOktaError(assert, await c.get('/api/v1/users/me'), 401, 'E0000011');
});
