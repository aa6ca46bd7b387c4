// Asynchronous transitions through Kafka (okta-api-notes §3, DESIGN "Asynchronous lifecycle"):
// transitioningToStatus while a request is outstanding, 409 E0000112 for changes meanwhile,
// Prefer: respond-async, separate worker processes, deprovisioning's revocations, e-mails as
// files, and password expiry by policy with the server's clock moved forward.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { BIN, startServer, startWorker, eventually, assertOktaError, STRONG_PASSWORD } from './harness.mjs';

let server, api;
before(async () => {
  // No in-process workers: requests stay outstanding until a test starts an `idledger worker`.
  server = await startServer({ args: ['--workers', '0', '--test-hooks', '--password-max-age-days', '30',
                                      '--password-expire-warn-days', '5', '--password-expiry-check-ms', '100'] });
  api = server.client();
});
after(async () => { await server?.stop(); });

const lc = (id, op, q = '', headers = {}) => api.post(`/api/v1/users/${id}/lifecycle/${op}${q}`, undefined, { headers });
const user = async (id) => (await api.get(`/api/v1/users/${id}`)).body;
const historyTypes = async (id) => (await api.get(`/api/v1/users/${id}/history`)).body.map((e) => e.type);
const ASYNC = { Prefer: 'respond-async' };

function mailFor(address) {
  const dir = join(server.dir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.eml'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .filter((m) => m.includes(`To: <${address}>`));
}

test('respond-async: 202 at once, the transition shows, changes meanwhile are 409 E0000112; a worker process completes it', async () => {
  const u = await api.createUser({ activate: false, password: STRONG_PASSWORD });
  const res = await lc(u.id, 'activate', '?sendEmail=false', ASYNC);
  assert.equal(res.status, 202, res.text);
  assert.equal(res.headers.get('preference-applied'), 'respond-async');
  assert.equal(res.headers.get('location'), `${server.base}/api/v1/users/${u.id}`);
  assert.match(res.body.activationToken, /^[A-Za-z0-9]{20}$/);
  const pending = await user(u.id);
  assert.equal(pending.status, 'STAGED');
  assert.equal(pending.transitioningToStatus, 'ACTIVE');
  assertOktaError(assert, await api.post(`/api/v1/users/${u.id}`, { profile: { nickName: 'x' } }), 409, 'E0000112');
  assertOktaError(assert, await lc(u.id, 'suspend'), 409, 'E0000112');
  // okta-response=omitTransitioningToStatus leaves the field out.
  const omitted = await api.get(`/api/v1/users/${u.id}`, { headers: { 'Content-Type': 'application/json; okta-response="omitTransitioningToStatus"' } });
  assert.equal(omitted.body.transitioningToStatus, undefined);

  const bootstrap = readFileSync(join(server.dir, 'kafka-bootstrap'), 'utf8').trim();
  const worker = await startWorker(bootstrap, ['--data-dir', server.dir]);
  try {
    const done = await eventually(async () => { const b = await user(u.id); return b.status === 'ACTIVE' && b; }, 'ACTIVE');
    assert.equal(done.transitioningToStatus, undefined);
    assert.ok(done.activated);
    assert.deepEqual((await historyTypes(u.id)).slice(-2), ['UserActivationRequested', 'UserActivated']);

    // Without Prefer the call waits for the worker and answers with the final state visible.
    const v = await api.createUser({ activate: false });
    const sync = await lc(v.id, 'activate', '?sendEmail=true');
    assert.equal(sync.status, 200);
    assert.deepEqual(sync.body, {});
    const after = await user(v.id);
    assert.equal(after.status, 'PROVISIONED');
    assert.equal(after.transitioningToStatus, undefined);
    // The activation e-mail was written (no SMTP configured): RFC 5322, with the link.
    const mails = mailFor(v.profile.email);
    assert.equal(mails.length, 1);
    assert.match(mails[0], /^From: idledger <noreply@idledger\.local>\r\n/);
    assert.match(mails[0], /\r\nSubject: Activate your account\r\n/);
    assert.match(mails[0], /\r\nMessage-ID: <lrq[A-Za-z0-9]+@idledger\.local>\r\n/);
    assert.match(mails[0], new RegExp(`/welcome/[A-Za-z0-9]{20}\\r\\n`));
    assert.deepEqual((await historyTypes(v.id)).slice(-3), ['UserActivationRequested', 'UserEmailDelivered', 'UserActivated']);

    // Created activated without a password (PROVISIONED): Okta e-mails the activation link.
    const p = await api.createUser();
    assert.equal(p.status, 'PROVISIONED');
    const welcome = await eventually(() => mailFor(p.profile.email)[0], 'the welcome e-mail');
    assert.match(welcome, /\/welcome\/[A-Za-z0-9]{20}\r\n/);

    // Deprovisioning revokes the user's API tokens, each revocation an event.
    const w = await api.createUser({ password: STRONG_PASSWORD });
    const tok = await api.post('/api/v1/api-tokens', { name: 'for-w', userId: w.id });
    assert.equal(tok.status, 200, tok.text);
    const wApi = server.client(tok.body.tokenValue ?? tok.body.token);
    assert.equal((await wApi.get(`/api/v1/users/${w.id}`)).status, 200);
    const d = await lc(w.id, 'deactivate', '', ASYNC);
    assert.equal(d.status, 202);
    await eventually(async () => (await user(w.id)).status === 'DEPROVISIONED', 'DEPROVISIONED');
    assert.equal((await api.get(`/api/v1/api-tokens/${tok.body.id}`)).status, 404);
    const log = await api.get(`/api/v1/logs?filter=${encodeURIComponent('eventType eq "system.api_token.revoke"')}`);
    assert.ok(log.body.some((e) => e.target?.some((t) => t.id === tok.body.id)), log.text);

    // DELETE with Prefer: 202, deactivation happens asynchronously, then the second DELETE deletes.
    const x = await api.createUser({ password: STRONG_PASSWORD });
    const del = await api.delete(`/api/v1/users/${x.id}`, { headers: ASYNC });
    assert.equal(del.status, 202);
    assert.equal(del.headers.get('preference-applied'), 'respond-async');
    await eventually(async () => (await user(x.id)).status === 'DEPROVISIONED', 'DEPROVISIONED');
    assert.equal((await api.delete(`/api/v1/users/${x.id}`)).status, 202);
    assert.equal((await api.get(`/api/v1/users/${x.id}`)).status, 404);
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
});

test('reset_password and forgot_password e-mail their links; tokens are never in events', async () => {
  const bootstrap = readFileSync(join(server.dir, 'kafka-bootstrap'), 'utf8').trim();
  const worker = await startWorker(bootstrap, ['--data-dir', server.dir]);
  try {
    const u = await api.createUser({ password: STRONG_PASSWORD, recovery: { question: 'Q?', answer: 'forty two' } });
    assert.deepEqual((await lc(u.id, 'reset_password', '?sendEmail=true')).body, {});
    assert.equal((await user(u.id)).status, 'RECOVERY');
    const mail = await eventually(() => mailFor(u.profile.email)[0], 'the reset e-mail');
    assert.match(mail, /Subject: Reset your password/);
    const link = mail.match(/\/reset_password\/([A-Za-z0-9]{20})/);
    assert.ok(link, mail);
    // Events keep the token's digest only: neither the history nor a full export holds it.
    const history = await api.get(`/api/v1/users/${u.id}/history`);
    assert.ok(!history.text.includes(link[1]));
    const exported = execFileSync(BIN, ['export', '--data-dir', server.dir], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    assert.ok(exported.includes('UserPasswordReset'));
    assert.ok(!exported.includes(link[1]));

    const f = await api.createUser({ password: STRONG_PASSWORD, recovery: { question: 'Q?', answer: 'forty two' } });
    const fp = await api.post(`/api/v1/users/${f.id}/credentials/forgot_password?sendEmail=true`);
    assert.equal(fp.status, 200);
    const fmail = await eventually(() => mailFor(f.profile.email)[0], 'the forgot-password e-mail');
    assert.match(fmail, /\/signin\/reset-password\/[A-Za-z0-9]{20}/);
    await eventually(async () => (await historyTypes(f.id)).includes('UserEmailDelivered'), 'delivery recorded');
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
});

test('password expiry by policy: a warning e-mail, then moving the clock past the maximum age expires the password', async () => {
  const bootstrap = readFileSync(join(server.dir, 'kafka-bootstrap'), 'utf8').trim();
  const worker = await startWorker(bootstrap, ['--data-dir', server.dir]);
  try {
    const u = await api.createUser({ password: STRONG_PASSWORD });
    const staged = await api.createUser({ activate: false, password: STRONG_PASSWORD });
    // The scheduler looks every 100 ms: wait until it has looked at least twice (its runs show
    // as the expiry check counter), then nothing may have expired: 30 days have not passed.
    const checks = async () => Number((await api.get('/metrics')).text.match(/^idledger_password_expiry_checks_total (\d+)$/m)?.[1] ?? 0);
    const seen = await checks();
    await eventually(async () => (await checks()) >= seen + 2, 'two scheduler runs');
    assert.equal((await user(u.id)).status, 'ACTIVE');
    const day = 24 * 3600 * 1000;
    // Within the warning period (5 days before the 30): one warning e-mail, still ACTIVE.
    assert.equal((await api.post('/api/v1/_test/clock', { advanceMs: 26 * day })).status, 200);
    const warning = await eventually(() => mailFor(u.profile.email).find((m) => m.includes('Subject: Your password expires soon')), 'the warning');
    assert.match(warning, /It expires at \d{4}-\d\d-\d\dT/);
    assert.equal((await user(u.id)).status, 'ACTIVE');
    const moved = await api.post('/api/v1/_test/clock', { advanceMs: 5 * day });
    assert.equal(moved.status, 200, moved.text);
    await eventually(async () => (await user(u.id)).status === 'PASSWORD_EXPIRED', 'PASSWORD_EXPIRED');
    const types = await historyTypes(u.id);
    assert.deepEqual(types.slice(-2), ['UserPasswordExpiryRequested', 'UserPasswordExpired']);
    assert.equal(types.filter((t) => t === 'UserPasswordExpiryWarningRequested').length, 1);
    assert.equal(mailFor(u.profile.email).length, 1);
    assert.equal((await user(staged.id)).status, 'STAGED');  // only ACTIVE users' passwords expire
    // Changing the password makes the user ACTIVE again, with a fresh age.
    const changed = await api.post(`/api/v1/users/${u.id}/credentials/change_password`,
      { oldPassword: { value: STRONG_PASSWORD }, newPassword: { value: 'Another-Pass-9' } });
    assert.equal(changed.status, 200, changed.text);
    const after = await checks();
    await eventually(async () => (await checks()) >= after + 2, 'two scheduler runs after the change');
    assert.equal((await user(u.id)).status, 'ACTIVE');
  } finally {
    worker.kill('SIGTERM');
    await new Promise((r) => worker.once('exit', r));
  }
});

test('test hooks are refused without --test-hooks', async () => {
  const plain = await startServer();
  try {
    assertOktaError(assert, await plain.client().post('/api/v1/_test/clock', { advanceMs: 1 }), 404, 'E0000008');
  } finally {
    await plain.stop();
  }
});
