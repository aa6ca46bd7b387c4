// The official Okta Node.js SDK (@okta/okta-sdk-nodejs, pinned in package.json) as a real
// client: it must work against idledger unchanged.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import okta from '@okta/okta-sdk-nodejs';
import { startServer, STRONG_PASSWORD } from './harness.mjs';

let server, client;
before(async () => {
  server = await startServer();
  client = new okta.Client({ orgUrl: server.base, token: server.token });
});
after(async () => { await server?.stop(); });

const newUser = (login, password) => ({
  profile: { firstName: 'Sdk', lastName: 'Tester', email: login, login },
  ...(password ? { credentials: { password: { value: password } } } : {}),
});

test('createUser and getUser (by id and by login)', async () => {
  const created = await client.userApi.createUser({ body: newUser('sdk.create@example.com', STRONG_PASSWORD) });
  assert.equal(created.status, 'ACTIVE');
  assert.equal(created.profile.login, 'sdk.create@example.com');
  assert.ok(created.created instanceof Date);
  const byId = await client.userApi.getUser({ userId: created.id });
  assert.equal(byId.id, created.id);
  const byLogin = await client.userApi.getUser({ userId: 'sdk.create@example.com' });
  assert.equal(byLogin.id, created.id);
  const staged = await client.userApi.createUser({ body: newUser('sdk.staged@example.com'), activate: false });
  assert.equal(staged.status, 'STAGED');
});

test('listUsers follows pagination to the end, each user once', async () => {
  for (let i = 0; i < 7; i++) await client.userApi.createUser({ body: newUser(`sdk.page${i}@example.com`) });
  const seen = [];
  const collection = await client.userApi.listUsers({ limit: 3 });
  for await (const u of collection) seen.push(u.id);
  assert.equal(new Set(seen).size, seen.length);
  const direct = await fetch(`${server.base}/api/v1/users?limit=200`, { headers: { Authorization: `SSWS ${server.token}` } }).then((r) => r.json());
  assert.deepEqual(seen.sort(), direct.map((u) => u.id).sort());
  const searched = [];
  for await (const u of await client.userApi.listUsers({ search: 'profile.login sw "sdk.page"', limit: 2 })) searched.push(u.profile.login);
  assert.equal(searched.length, 7);
});

test('updateUser (partial) and replaceUser, sending the whole fetched user back', async () => {
  const u = await client.userApi.createUser({ body: newUser('sdk.update@example.com', STRONG_PASSWORD) });
  u.profile.nickName = 'Sdk';
  const updated = await client.userApi.updateUser({ userId: u.id, user: u });
  assert.equal(updated.profile.nickName, 'Sdk');
  const fetched = await client.userApi.getUser({ userId: u.id });
  fetched.profile.title = 'Replaced';
  delete fetched.profile.nickName;
  const replaced = await client.userApi.replaceUser({ userId: u.id, user: fetched });
  assert.equal(replaced.profile.title, 'Replaced');
  assert.equal(replaced.profile.nickName, undefined);
  assert.equal(replaced.status, 'ACTIVE');
});

test('lifecycle and credential methods', async () => {
  const u = await client.userApi.createUser({ body: newUser('sdk.lifecycle@example.com', STRONG_PASSWORD) });
  await client.userApi.suspendUser({ userId: u.id });
  assert.equal((await client.userApi.getUser({ userId: u.id })).status, 'SUSPENDED');
  await client.userApi.unsuspendUser({ userId: u.id });
  const creds = await client.userApi.changePassword({ userId: u.id, changePasswordRequest: { oldPassword: { value: STRONG_PASSWORD }, newPassword: { value: 'Sdk-Changed-Pass1' } } });
  assert.ok(creds.password);
  const expired = await client.userApi.expirePassword({ userId: u.id });
  assert.equal(expired.status, 'PASSWORD_EXPIRED');
  const staged = await client.userApi.createUser({ body: newUser('sdk.activate@example.com'), activate: false });
  const token = await client.userApi.activateUser({ userId: staged.id, sendEmail: false });
  assert.ok(token.activationToken);
});

test('every lifecycle method; the asynchronous ones have completed when the SDK call returns', async () => {
  const api = client.userApi;
  const staged = await api.createUser({ body: newUser('sdk.async@example.com'), activate: false });
  const activation = await api.activateUser({ userId: staged.id, sendEmail: false });
  assert.match(activation.activationToken, /^[A-Za-z0-9]{20}$/);
  let now = await api.getUser({ userId: staged.id });
  assert.equal(now.status, 'PROVISIONED');
  assert.equal(now.transitioningToStatus, undefined);
  const again = await api.reactivateUser({ userId: staged.id, sendEmail: false });
  assert.notEqual(again.activationToken, activation.activationToken);
  await api.deactivateUser({ userId: staged.id });
  assert.equal((await api.getUser({ userId: staged.id })).status, 'DEPROVISIONED');
  await api.activateUser({ userId: staged.id, sendEmail: true });
  assert.equal((await api.getUser({ userId: staged.id })).status, 'PROVISIONED');

  const u = await api.createUser({ body: newUser('sdk.async2@example.com', STRONG_PASSWORD) });
  await assert.rejects(api.unlockUser({ userId: u.id }), (err) => err.status === 403 && err.errorCode === 'E0000032');
  await api.resetFactors({ userId: u.id });
  const reset = await api.generateResetPasswordToken({ userId: u.id, sendEmail: false });
  assert.match(reset.resetPasswordUrl, /\/reset_password\/[A-Za-z0-9]{20}$/);
  assert.equal((await api.getUser({ userId: u.id })).status, 'RECOVERY');
  // Okta answers {"tempPassword": ...} (as its Java SDK models it); Node SDK 8.1.0 deserializes
  // the body as a User and drops the member, so only the call's success is visible here.
  await api.expirePasswordAndGetTemporaryPassword({ userId: u.id });
  now = await api.getUser({ userId: u.id });
  assert.equal(now.status, 'PASSWORD_EXPIRED');
  await assert.rejects(api.activateUser({ userId: u.id, sendEmail: false }), (err) => err.status === 403 && err.errorCode === 'E0000038');
});

test('errors surface as OktaApiError with Okta\'s code', async () => {
  await assert.rejects(client.userApi.getUser({ userId: '00uNoSuchUser00000001' }), (err) => {
    assert.equal(err.status, 404);
    assert.equal(err.errorCode, 'E0000007');
    return true;
  });
  await assert.rejects(client.userApi.createUser({ body: newUser('sdk.create@example.com') }), (err) => err.errorCode === 'E0000001');
});

test('deactivateUser then deleteUser removes the user', async () => {
  const u = await client.userApi.createUser({ body: newUser('sdk.delete@example.com', STRONG_PASSWORD) });
  await client.userApi.deactivateUser({ userId: u.id });
  await client.userApi.deleteUser({ userId: u.id });
  await assert.rejects(client.userApi.getUser({ userId: u.id }), (err) => err.status === 404);
});
