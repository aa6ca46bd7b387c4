// E-mail over SMTP to a real server on loopback (Debian's python3-aiosmtpd, storing a Maildir):
// the activation e-mail arrives; an SMTP server that is down at first gets it after the worker's
// retries; one that never comes back leaves a recorded failure and the activation completes.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, eventually, STRONG_PASSWORD } from './harness.mjs';

async function freePort() {
  const srv = createServer();
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address();
  await new Promise((r) => srv.close(r));
  return port;
}

async function startSmtp(port) {
  const maildir = mkdtempSync(join(tmpdir(), 'idledger-maildir-'));
  rmSync(maildir, { recursive: true });
  const child = spawn('/usr/bin/python3', ['-m', 'aiosmtpd', '-n', '-l', `127.0.0.1:${port}`,
                                           '-c', 'aiosmtpd.handlers.Mailbox', maildir], { stdio: 'ignore' });
  // Listening once a connection succeeds. (Probing by binding the port ourselves could take it
  // from under the starting server.)
  await eventually(() => new Promise((resolve) => {
    const probe = connect(port, '127.0.0.1');
    probe.once('connect', () => { probe.destroy(); resolve(true); });
    probe.once('error', () => resolve(false));
  }), 'the SMTP server', 15_000);
  return {
    maildir,
    messages: () => (existsSync(join(maildir, 'new')) ? readdirSync(join(maildir, 'new')).map((f) => readFileSync(join(maildir, 'new', f), 'utf8')) : []),
    async stop() { child.kill('SIGTERM'); await new Promise((r) => child.once('exit', r)); rmSync(maildir, { recursive: true, force: true }); },
  };
}

const historyTypes = async (api, id) => (await api.get(`/api/v1/users/${id}/history`)).body.map((e) => e.type);

test('an activation e-mail reaches a real SMTP server', async () => {
  const port = await freePort();
  const smtp = await startSmtp(port);
  const server = await startServer({ args: ['--smtp-url', `smtp://127.0.0.1:${port}`, '--mail-from', 'idp@example.org'] });
  try {
    const api = server.client();
    const u = await api.createUser({ activate: false, profile: { firstName: 'Smtp', lastName: 'Person' } });
    const res = await api.post(`/api/v1/users/${u.id}/lifecycle/activate?sendEmail=true`);
    assert.equal(res.status, 200);
    assert.deepEqual(res.body, {});
    assert.equal((await api.get(`/api/v1/users/${u.id}`)).body.status, 'PROVISIONED');
    const msg = await eventually(() => smtp.messages().find((m) => m.includes(u.profile.email)), 'the message');
    assert.match(msg, /From: idledger <idp@example\.org>/);
    assert.match(msg, /Subject: Activate your account/);
    assert.match(msg, /Hello Smtp Person,/);
    assert.match(msg, new RegExp(`${server.base.replace(/[.:/]/g, (c) => '\\' + c)}/welcome/[A-Za-z0-9]{20}`));
    const types = await historyTypes(api, u.id);
    assert.deepEqual(types.slice(-2), ['UserEmailDelivered', 'UserActivated']);
    assert.ok(!existsSync(join(server.dir, 'mail')), 'with SMTP configured nothing is written to DATA_DIR/mail');
  } finally {
    await server.stop();
    await smtp.stop();
  }
});

test('SMTP down at first: delivered after retries; never up: the failure is recorded', async () => {
  const port = await freePort();
  const server = await startServer({ args: ['--smtp-url', `smtp://127.0.0.1:${port}`, '--request-retry-ms', '1000', '--email-retry-rounds', '3'] });
  let smtp;
  try {
    const api = server.client();
    const u = await api.createUser({ activate: false });
    const res = await api.post(`/api/v1/users/${u.id}/lifecycle/activate?sendEmail=true`, undefined,
                               { headers: { Prefer: 'respond-async' } });
    assert.equal(res.status, 202);
    // Down at first: a listener that drops every connection until the worker has tried once.
    let attempts = 0;
    const refusing = createServer((sock) => { attempts++; sock.destroy(); });
    await new Promise((r) => refusing.listen(port, '127.0.0.1', r));
    await eventually(() => attempts >= 1, 'a first, refused delivery attempt');
    await new Promise((r) => refusing.close(r));
    smtp = await startSmtp(port);
    await eventually(() => smtp.messages().find((m) => m.includes(u.profile.email)), 'the retried message');
    await eventually(async () => (await api.get(`/api/v1/users/${u.id}`)).body.status === 'PROVISIONED', 'PROVISIONED');
    await smtp.stop();
    smtp = null;

    const v = await api.createUser({ password: STRONG_PASSWORD, recovery: { question: 'Q?', answer: 'forty two' } });
    assert.equal((await api.post(`/api/v1/users/${v.id}/lifecycle/reset_password?sendEmail=true`)).status, 200);
    await eventually(async () => (await historyTypes(api, v.id)).includes('UserEmailFailed'), 'the recorded failure', 90_000);
    // Recorded only after the request went round again (transient failures are retried).
    const retried = Number((await api.get('/metrics')).text.match(/^idledger_lifecycle_emails_retried_total (\d+)$/m)?.[1]);
    assert.ok(retried >= 2, `${retried} rounds retried`);
    const failed = (await api.get(`/api/v1/users/${v.id}/history`)).body.find((e) => e.type === 'UserEmailFailed');
    assert.ok(failed);
    // The failure reaches the System Log too, as Okta's e-mail delivery event with a FAILURE.
    const logged = (await api.get('/api/v1/logs?filter=' + encodeURIComponent('eventType eq "system.email.delivery"'))).body;
    const mine = logged.find((e) => e.target.some((t) => t.id === v.id));
    assert.ok(mine, JSON.stringify(logged));
    assert.equal(mine.outcome.result, 'FAILURE');
    assert.equal(mine.client.zone, null);
  } finally {
    await server.stop();
    await smtp?.stop();
  }
});
