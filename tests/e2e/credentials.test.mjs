// change_password, change_recovery_question, forgot_password.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertOktaError, STRONG_PASSWORD } from './harness.mjs';

let server, api;
before(async () => { server = await startServer(); api = server.client(); });
after(async () => { await server?.stop(); });

const recovery = { question: 'First pet?', answer: 'Rex the dog' };
const cred = (id, op, body, q = '') => api.post(`/api/v1/users/${id}/credentials/${op}${q}`, body);

test('change_password: verifies the old password, applies policy and history', async () => {
  const u = await api.createUser({ password: STRONG_PASSWORD, recovery });
  const wrong = await cred(u.id, 'change_password', { oldPassword: { value: 'Wrong-Passw0rd' }, newPassword: { value: 'An0ther-Secret' } });
  assertOktaError(assert, wrong, 403, 'E0000014');
  assert.equal(wrong.body.errorCauses[0].errorSummary, 'oldPassword: Old Password is not correct');
  const same = await cred(u.id, 'change_password', { oldPassword: { value: STRONG_PASSWORD }, newPassword: { value: STRONG_PASSWORD } });
  assertOktaError(assert, same, 403, 'E0000014');
  assert.equal(same.body.errorCauses[0].errorSummary, 'password: Password cannot be your current password');
  const weak = await cred(u.id, 'change_password', { oldPassword: { value: STRONG_PASSWORD }, newPassword: { value: 'weak' } });
  assertOktaError(assert, weak, 403, 'E0000014');
  const ok = await cred(u.id, 'change_password', { oldPassword: { value: STRONG_PASSWORD }, newPassword: { value: 'An0ther-Secret' } });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.body.password, {});
  assert.deepEqual(ok.body.recovery_question, { question: 'First pet?' });
  assert.equal(ok.body.provider.type, 'OKTA');
  const back = await cred(u.id, 'change_password', { oldPassword: { value: 'An0ther-Secret' }, newPassword: { value: STRONG_PASSWORD } });
  assertOktaError(assert, back, 403, 'E0000014');
  assert.equal(back.body.errorCauses[0].errorSummary, 'password: Password has been used too recently');
});

test('change_password on a user without a password is E0000035', async () => {
  const u = await api.createUser();
  const res = await cred(u.id, 'change_password', { oldPassword: { value: 'x' }, newPassword: { value: STRONG_PASSWORD } });
  assertOktaError(assert, res, 403, 'E0000035');
});

test('change_recovery_question needs the current password', async () => {
  const u = await api.createUser({ password: STRONG_PASSWORD, recovery });
  const wrong = await cred(u.id, 'change_recovery_question', { password: { value: 'nope' }, recovery_question: { question: 'Q?', answer: 'some answer' } });
  assertOktaError(assert, wrong, 403, 'E0000014');
  const ok = await cred(u.id, 'change_recovery_question', { password: { value: STRONG_PASSWORD }, recovery_question: { question: 'Best city?', answer: 'Lisbon' } });
  assert.equal(ok.status, 200, ok.text);
  assert.deepEqual(ok.body.recovery_question, { question: 'Best city?' });
  const noPw = await api.createUser();
  assertOktaError(assert, await cred(noPw.id, 'change_recovery_question', { password: { value: 'x' }, recovery_question: { question: 'Q?', answer: 'abcd' } }), 403, 'E0000036');
});

test('forgot_password: a reset link without e-mail; with the answer it sets the password', async () => {
  const u = await api.createUser({ password: STRONG_PASSWORD, recovery });
  const link = await cred(u.id, 'forgot_password', undefined, '?sendEmail=false');
  assert.equal(link.status, 200, link.text);
  assert.match(link.body.resetPasswordUrl, new RegExp(`^${server.base}/signin/reset-password/[A-Za-z0-9]{20}$`));
  const emailed = await cred(u.id, 'forgot_password');
  assert.deepEqual(emailed.body, {});
  const wrong = await cred(u.id, 'forgot_password', { password: { value: 'Brand-New-Pass1' }, recovery_question: { answer: 'Fluffy' } });
  assertOktaError(assert, wrong, 403, 'E0000087');
  const ok = await cred(u.id, 'forgot_password', { password: { value: 'Brand-New-Pass1' }, recovery_question: { answer: 'rex THE dog' } });
  assert.equal(ok.status, 200, ok.text);
  // The new password is in force.
  const proof = await cred(u.id, 'change_password', { oldPassword: { value: 'Brand-New-Pass1' }, newPassword: { value: 'Third-Pass-Word3' } });
  assert.equal(proof.status, 200, proof.text);
  const staged = await api.createUser({ activate: false });
  assertOktaError(assert, await cred(staged.id, 'forgot_password'), 403, 'E0000034');
});

test('admin password set through POST /users/{id}; strict checks history', async () => {
  const u = await api.createUser({ password: STRONG_PASSWORD });
  const set = await api.post(`/api/v1/users/${u.id}`, { credentials: { password: { value: 'Admin-Set-Pass1' } } });
  assert.equal(set.status, 200, set.text);
  assert.ok(set.body.passwordChanged >= u.passwordChanged);
  const strict = await api.post(`/api/v1/users/${u.id}?strict=true`, { credentials: { password: { value: STRONG_PASSWORD } } });
  assertOktaError(assert, strict, 403, 'E0000014');
  // A password object without a value means "no change".
  const unchanged = await api.post(`/api/v1/users/${u.id}`, { credentials: { password: {} } });
  assert.equal(unchanged.status, 200);
});
