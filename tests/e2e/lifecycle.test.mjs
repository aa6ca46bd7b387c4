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

// okta-api-notes §3, every row: each operation from each reachable status (LOCKED_OUT needs failed
// sign-ins, which this server does not take yet). A status name is the result; [http, code] a refusal.
test('the status machine: every operation from every status', async () => {
  const lcOk = async (id, op, q = '') => { const r = await lc(id, op, q); assert.ok(r.status < 300, `${op}: ${r.text}`); };
  const make = {
    STAGED: () => api.createUser({ activate: false, password: STRONG_PASSWORD }),
    PROVISIONED: () => api.createUser(),
    ACTIVE: () => api.createUser({ password: STRONG_PASSWORD }),
    RECOVERY: async () => { const u = await make.ACTIVE(); await lcOk(u.id, 'reset_password', '?sendEmail=false'); return u; },
    PASSWORD_EXPIRED: async () => { const u = await make.ACTIVE(); await lcOk(u.id, 'expire_password'); return u; },
    SUSPENDED: async () => { const u = await make.ACTIVE(); await lcOk(u.id, 'suspend'); return u; },
    DEPROVISIONED: async () => { const u = await make.ACTIVE(); await lcOk(u.id, 'deactivate'); return u; },
  };
  const E38 = [403, 'E0000038'];
  const E01 = [400, 'E0000001'];
  const expected = {
    activate: { STAGED: 'ACTIVE', PROVISIONED: E38, ACTIVE: [403, 'E0000016'], RECOVERY: E38, PASSWORD_EXPIRED: E38, SUSPENDED: E38, DEPROVISIONED: 'ACTIVE' },
    reactivate: { STAGED: E38, PROVISIONED: 'PROVISIONED', ACTIVE: E38, RECOVERY: 'PROVISIONED', PASSWORD_EXPIRED: E38, SUSPENDED: E38, DEPROVISIONED: E38 },
    deactivate: { STAGED: 'DEPROVISIONED', PROVISIONED: 'DEPROVISIONED', ACTIVE: 'DEPROVISIONED', RECOVERY: 'DEPROVISIONED', PASSWORD_EXPIRED: 'DEPROVISIONED', SUSPENDED: 'DEPROVISIONED', DEPROVISIONED: [404, 'E0000007'] },
    suspend: { STAGED: E01, PROVISIONED: E01, ACTIVE: 'SUSPENDED', RECOVERY: E01, PASSWORD_EXPIRED: E01, SUSPENDED: E01, DEPROVISIONED: E01 },
    unsuspend: { STAGED: E01, PROVISIONED: E01, ACTIVE: E01, RECOVERY: E01, PASSWORD_EXPIRED: E01, SUSPENDED: 'ACTIVE', DEPROVISIONED: E01 },
    unlock: Object.fromEntries(Object.keys(make).map((s) => [s, [403, 'E0000032']])),
    reset_password: { STAGED: E38, PROVISIONED: 'RECOVERY', ACTIVE: 'RECOVERY', RECOVERY: 'RECOVERY', PASSWORD_EXPIRED: 'RECOVERY', SUSPENDED: E38, DEPROVISIONED: E38 },
    expire_password: { STAGED: E38, PROVISIONED: E38, ACTIVE: 'PASSWORD_EXPIRED', RECOVERY: 'PASSWORD_EXPIRED', PASSWORD_EXPIRED: 'PASSWORD_EXPIRED', SUSPENDED: E38, DEPROVISIONED: E38 },
    reset_factors: { STAGED: 'STAGED', PROVISIONED: 'PROVISIONED', ACTIVE: 'ACTIVE', RECOVERY: 'RECOVERY', PASSWORD_EXPIRED: 'PASSWORD_EXPIRED', SUSPENDED: 'SUSPENDED', DEPROVISIONED: [404, 'E0000007'] },
  };
  for (const [op, byStatus] of Object.entries(expected)) {
    for (const [from, want] of Object.entries(byStatus)) {
      const u = await make[from]();
      assert.equal(await status(u.id), from, `setup of ${from}`);
      const q = op === 'reset_password' || op === 'activate' || op === 'reactivate' ? '?sendEmail=false' : '';
      const res = await lc(u.id, op, q);
      if (Array.isArray(want)) {
        assertOktaError(assert, res, want[0], want[1]);
        assert.equal(await status(u.id), from, `${op} from ${from} must change nothing`);
      } else {
        assert.equal(res.status, 200, `${op} from ${from}: ${res.text}`);
        const after = (await api.get(`/api/v1/users/${u.id}`)).body;
        assert.equal(after.status, want, `${op} from ${from}`);
        assert.equal(after.transitioningToStatus, undefined, `${op} from ${from} has completed`);
      }
    }
  }
});
