// Lifecycle operations and their refused transitions (okta-api-notes §3, §4.6).

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertOktaError, STRONG_PASSWORD } from './harness.mjs';

let server, api;
before(async () => { server = await startServer(); api = server.client(); });
after(async () => { await server?.stop(); });

const lc = (id, op, q = '') => api.post(`/api/v1/users/${id}/lifecycle/${op}${q}`);
const status = async (id) => (await api.get(`/api/v1/users/${id}`)).body.status;

test('activate: STAGED -> PROVISIONED with an activation token; already ACTIVE is E0000016', async () => {
  const u = await api.createUser({ activate: false });
  const res = await lc(u.id, 'activate', '?sendEmail=false');
  assert.equal(res.status, 200);
  assert.match(res.body.activationToken, /^[A-Za-z0-9]{20}$/);
  assert.equal(res.body.activationUrl, `${server.base}/welcome/${res.body.activationToken}`);
  assert.equal(await status(u.id), 'PROVISIONED');
  const active = await api.createUser({ password: STRONG_PASSWORD });
  assertOktaError(assert, await lc(active.id, 'activate'), 403, 'E0000016');
  const withEmail = await api.createUser({ activate: false, password: STRONG_PASSWORD });
  const emailed = await lc(withEmail.id, 'activate');
  assert.deepEqual(emailed.body, {});
  assert.equal(await status(withEmail.id), 'ACTIVE');
});

test('reactivate only from PROVISIONED (or RECOVERY)', async () => {
  const p = await api.createUser();
  const res = await lc(p.id, 'reactivate', '?sendEmail=false');
  assert.equal(res.status, 200);
  assert.ok(res.body.activationToken);
  const a = await api.createUser({ password: STRONG_PASSWORD });
  assertOktaError(assert, await lc(a.id, 'reactivate'), 403, 'E0000038');
});

test('suspend and unsuspend, with Okta\'s refusals', async () => {
  const a = await api.createUser({ password: STRONG_PASSWORD });
  assert.deepEqual((await lc(a.id, 'suspend')).body, {});
  assert.equal(await status(a.id), 'SUSPENDED');
  const again = await lc(a.id, 'suspend');
  assertOktaError(assert, again, 400, 'E0000001');
  assert.equal(again.body.errorCauses[0].errorSummary, 'Cannot suspend a user that is not active');
  assert.equal((await lc(a.id, 'unsuspend')).status, 200);
  assert.equal(await status(a.id), 'ACTIVE');
  assertOktaError(assert, await lc(a.id, 'unsuspend'), 400, 'E0000001');
});

test('unlock a user who is not locked is E0000032', async () => {
  const a = await api.createUser({ password: STRONG_PASSWORD });
  assertOktaError(assert, await lc(a.id, 'unlock'), 403, 'E0000032');
});

test('deactivate, and deactivating again is 404', async () => {
  const a = await api.createUser({ password: STRONG_PASSWORD });
  assert.equal((await lc(a.id, 'deactivate')).status, 200);
  assert.equal(await status(a.id), 'DEPROVISIONED');
  assertOktaError(assert, await lc(a.id, 'deactivate'), 404, 'E0000007');
  assertOktaError(assert, await lc(a.id, 'suspend'), 400, 'E0000001');
  // Activation from DEPROVISIONED is allowed (current Okta).
  assert.equal((await lc(a.id, 'activate')).status, 200);
  assert.equal(await status(a.id), 'ACTIVE');
});

test('reset_password moves to RECOVERY and returns a link when sendEmail=false', async () => {
  const a = await api.createUser({ password: STRONG_PASSWORD });
  const res = await lc(a.id, 'reset_password', '?sendEmail=false');
  assert.equal(res.status, 200);
  assert.match(res.body.resetPasswordUrl, new RegExp(`^${server.base}/reset_password/[A-Za-z0-9]{20}$`));
  assert.equal(await status(a.id), 'RECOVERY');
  const staged = await api.createUser({ activate: false });
  assertOktaError(assert, await lc(staged.id, 'reset_password'), 403, 'E0000038');
});

test('expire_password returns the user; tempPassword returns a temporary password', async () => {
  const a = await api.createUser({ password: STRONG_PASSWORD });
  const res = await lc(a.id, 'expire_password');
  assert.equal(res.status, 200);
  assert.equal(res.body.status, 'PASSWORD_EXPIRED');
  assert.equal(res.body.id, a.id);
  const b = await api.createUser({ password: STRONG_PASSWORD });
  const legacy = await lc(b.id, 'expire_password', '?tempPassword=true');
  assert.match(legacy.body.tempPassword, /^[A-Za-z0-9]{8}$/);
  const c = await api.createUser({ password: STRONG_PASSWORD });
  const current = await lc(c.id, 'expire_password_with_temp_password');
  assert.match(current.body.tempPassword, /^[A-Za-z0-9]{8}$/);
  assert.equal(await status(c.id), 'PASSWORD_EXPIRED');
  // The temporary password is the password now: it changes to a new one.
  const changed = await api.post(`/api/v1/users/${c.id}/credentials/change_password`, {
    oldPassword: { value: current.body.tempPassword }, newPassword: { value: 'N3w-Password-Here' },
  });
  assert.equal(changed.status, 200, changed.text);
  assert.equal(await status(c.id), 'ACTIVE');
  const noPw = await api.createUser();
  assertOktaError(assert, await lc(noPw.id, 'expire_password'), 403, 'E0000038');
});

test('reset_factors answers an empty object', async () => {
  const a = await api.createUser({ password: STRONG_PASSWORD });
  const res = await lc(a.id, 'reset_factors');
  assert.equal(res.status, 200);
  assert.deepEqual(res.body, {});
});

test('links follow the status', async () => {
  const a = await api.createUser({ password: STRONG_PASSWORD });
  const active = (await api.get(`/api/v1/users/${a.id}`)).body._links;
  assert.ok(active.suspend && active.deactivate && active.changePassword && active.expirePassword);
  assert.ok(!active.activate && !active.unsuspend);
  await lc(a.id, 'suspend');
  const suspended = (await api.get(`/api/v1/users/${a.id}`)).body._links;
  assert.ok(suspended.unsuspend && suspended.deactivate && !suspended.suspend);
});

test('unknown users are 404 on every operation', async () => {
  for (const op of ['activate', 'deactivate', 'suspend', 'unsuspend', 'unlock', 'reset_password', 'expire_password', 'reset_factors'])
    assertOktaError(assert, await lc('00uNoSuchUser00000001', op), 404, 'E0000007');
});
