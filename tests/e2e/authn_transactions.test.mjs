// The Authentication API's transactions (stateToken flows) end to end, driven by Okta's own
// client, @okta/okta-auth-js, where it has the call: an activation token redeemed for
// PASSWORD_RESET and a new password (the user becomes ACTIVE, signed in); self-service recovery
// by e-mail (RECOVERY_CHALLENGE, the recovery token from the e-mail, resetPassword); an expired
// password changed through PASSWORD_EXPIRED; PASSWORD_WARN with changePassword and skip. A
// stateToken dies with what it was issued for: it cannot set a password twice.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { OktaAuth } from '@okta/okta-auth-js';
import { startServer, assertOktaError, eventually, STRONG_PASSWORD, Client } from './harness.mjs';

let server, admin, anon, auth;
before(async () => {
  server = await startServer();
  admin = server.client();
  anon = new Client(server.base, null);
  auth = new OktaAuth({ issuer: `${server.base}/oauth2/default`, clientId: 'unused', tokenManager: { storage: 'memory' },
    storageManager: { token: { storageType: 'memory' }, transaction: { storageType: 'memory' } } });
});
after(async () => { await server?.stop(); });

const NEW_PASSWORD = 'Brand-new-Passw0rd';

test('activation token -> PASSWORD_RESET -> resetPassword: ACTIVE and signed in; the stateToken is spent', async () => {
  const u = await admin.createUser({ activate: false });
  const activated = await admin.post(`/api/v1/users/${u.id}/lifecycle/activate?sendEmail=false`);
  assert.equal(activated.status, 200, activated.text);
  const reset = await anon.post('/api/v1/authn', { token: activated.body.activationToken });
  assert.equal(reset.status, 200, reset.text);
  assert.equal(reset.body.status, 'PASSWORD_RESET');
  assert.match(reset.body.stateToken, /^00/);
  assert.equal(reset.body._embedded.user.id, u.id);
  assert.equal(reset.body._embedded.policy.complexity.minLength, 8);
  assert.equal(reset.body._links.next.name, 'resetPassword');
  assert.equal(reset.body._links.next.href, `${server.base}/api/v1/authn/credentials/reset_password`);

  // The transaction can be resumed with its stateToken.
  const resumed = await anon.post('/api/v1/authn', { stateToken: reset.body.stateToken });
  assert.equal(resumed.body.status, 'PASSWORD_RESET');

  // A password against the policy is refused; the token still works afterwards.
  assertOktaError(assert, await anon.post('/api/v1/authn/credentials/reset_password',
    { stateToken: reset.body.stateToken, newPassword: 'short' }), 403, 'E0000014');
  const done = await anon.post('/api/v1/authn/credentials/reset_password', { stateToken: reset.body.stateToken, newPassword: NEW_PASSWORD });
  assert.equal(done.status, 200, done.text);
  assert.equal(done.body.status, 'SUCCESS');
  assert.match(done.body.sessionToken, /^[A-Za-z0-9]{40,}$/);
  const after = (await admin.get(`/api/v1/users/${u.id}`)).body;
  assert.equal(after.status, 'ACTIVE');
  assert.ok(after.lastLogin);
  assert.ok(after.passwordChanged);

  // Spent: neither the activation token nor the stateToken works again.
  assertOktaError(assert, await anon.post('/api/v1/authn', { token: activated.body.activationToken }), 401, 'E0000011');
  assertOktaError(assert, await anon.post('/api/v1/authn/credentials/reset_password',
    { stateToken: reset.body.stateToken, newPassword: 'Another-Passw0rd-2' }), 401, 'E0000011');
  // Forged or tampered state tokens are refused.
  assertOktaError(assert, await anon.post('/api/v1/authn/credentials/reset_password',
    { stateToken: reset.body.stateToken.slice(0, -2) + 'xx', newPassword: NEW_PASSWORD }), 401, 'E0000011');
  assertOktaError(assert, await anon.post('/api/v1/authn', { token: 'not-a-token' }), 401, 'E0000011');
  assert.equal((await auth.signInWithCredentials({ username: u.profile.login, password: NEW_PASSWORD })).status, 'SUCCESS');
});

test('okta-auth-js: forgotPassword by e-mail, verifyRecoveryToken, resetPassword', async () => {
  const u = await admin.createUser({ password: STRONG_PASSWORD });
  const challenge = await auth.forgotPassword({ username: u.profile.login, factorType: 'EMAIL' });
  assert.equal(challenge.status, 'RECOVERY_CHALLENGE');
  assert.equal(challenge.factorType, 'EMAIL');
  // An unknown username gets the same answer.
  const unknown = await anon.post('/api/v1/authn/recovery/password', { username: 'nobody@example.com', factorType: 'EMAIL' });
  assert.equal(unknown.body.status, 'RECOVERY_CHALLENGE');

  const dir = join(server.dir, 'mail');
  const token = await eventually(() => {
    if (!existsSync(dir)) return undefined;
    for (const f of readdirSync(dir)) {
      const m = readFileSync(join(dir, f), 'utf8');
      if (!m.includes(u.profile.login)) continue;
      const t = m.match(/reset-password\/([A-Za-z0-9]+)/);
      if (t) return t[1];
    }
    return undefined;
  }, 'the recovery e-mail');
  const recovery = await auth.verifyRecoveryToken({ recoveryToken: token });
  assert.equal(recovery.status, 'PASSWORD_RESET');
  assert.equal(recovery.user.id, u.id);
  const done = await recovery.resetPassword({ newPassword: NEW_PASSWORD });
  assert.equal(done.status, 'SUCCESS');
  assert.ok(done.sessionToken);
  await assert.rejects(auth.signInWithCredentials({ username: u.profile.login, password: STRONG_PASSWORD }), (e) => e.errorCode === 'E0000004');
  assert.equal((await auth.signInWithCredentials({ username: u.profile.login, password: NEW_PASSWORD })).status, 'SUCCESS');
  await assert.rejects(auth.verifyRecoveryToken({ recoveryToken: token }), (e) => e.errorCode === 'E0000011');
});

test('okta-auth-js: PASSWORD_EXPIRED -> changePassword -> SUCCESS and ACTIVE', async () => {
  const u = await admin.createUser({ password: STRONG_PASSWORD });
  assert.equal((await admin.post(`/api/v1/users/${u.id}/lifecycle/expire_password`)).status, 200);
  const expired = await auth.signInWithCredentials({ username: u.profile.login, password: STRONG_PASSWORD });
  assert.equal(expired.status, 'PASSWORD_EXPIRED');
  await assert.rejects(expired.changePassword({ oldPassword: 'Wrong-password-1', newPassword: NEW_PASSWORD }), (e) => e.errorCode === 'E0000014');
  const done = await expired.changePassword({ oldPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD });
  assert.equal(done.status, 'SUCCESS');
  assert.equal((await admin.get(`/api/v1/users/${u.id}`)).body.status, 'ACTIVE');
});

test('PASSWORD_WARN within the expiry warning: skip signs in, changePassword changes it', async () => {
  const warned = await startServer({ args: ['--password-max-age-days', '30', '--password-expire-warn-days', '40'] });
  try {
    const a = warned.client();
    const client = new OktaAuth({ issuer: `${warned.base}/oauth2/default`, clientId: 'unused', tokenManager: { storage: 'memory' },
      storageManager: { token: { storageType: 'memory' }, transaction: { storageType: 'memory' } } });
    const u = await a.createUser({ password: STRONG_PASSWORD });
    const warn = await client.signInWithCredentials({ username: u.profile.login, password: STRONG_PASSWORD });
    assert.equal(warn.status, 'PASSWORD_WARN');
    assert.equal(warn.policy.expiration.passwordExpireDays, 30);
    const skipped = await warn.skip();
    assert.equal(skipped.status, 'SUCCESS');
    assert.ok(skipped.sessionToken);
    const raw = new Client(warned.base, null);
    const again = await raw.post('/api/v1/authn', { username: u.profile.login, password: STRONG_PASSWORD });
    assert.equal(again.body.status, 'PASSWORD_WARN');
    assert.equal(again.body._links.skip.href, `${warned.base}/api/v1/authn/skip`);
    const changed = await raw.post('/api/v1/authn/credentials/change_password',
      { stateToken: again.body.stateToken, oldPassword: STRONG_PASSWORD, newPassword: NEW_PASSWORD });
    assert.equal(changed.status, 200, changed.text);
    assert.equal(changed.body.status, 'SUCCESS');
    // The transaction was bound to the old password: it cannot skip any more.
    assertOktaError(assert, await raw.post('/api/v1/authn/skip', { stateToken: again.body.stateToken }), 401, 'E0000011');
  } finally {
    await warned.stop();
  }
});
