// Fault tests of the asynchronous lifecycle: no transition is lost and none is applied twice when
// the server is killed between *requested* and *completed*, when a worker process dies mid-batch,
// when results and requests are delivered twice, and when the broker is unavailable for a while.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startServer, startWorker, eventually, assertOktaError, Client, STRONG_PASSWORD } from './harness.mjs';

const ASYNC = { headers: { Prefer: 'respond-async' } };
const bootstrapOf = (server) => readFileSync(join(server.dir, 'kafka-bootstrap'), 'utf8').trim();
const count = (types, t) => types.filter((x) => x === t).length;
const historyTypes = async (api, id) => (await api.get(`/api/v1/users/${id}/history?limit=200`)).body.map((e) => e.type);
const status = async (api, id) => (await api.get(`/api/v1/users/${id}`)).body;
const stopChild = async (c, signal = 'SIGTERM') => {
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise((r) => c.once('exit', r));
  c.kill(signal);
  await exited;
};

async function createMany(api, n, opts) {
  const out = [];
  for (let i = 0; i < n; i += 20)
    out.push(...await Promise.all(Array.from({ length: Math.min(20, n - i) }, () => api.createUser(opts))));
  return out;
}

async function expectEachOnce(api, users, finalStatus, completion) {
  await eventually(async () => {
    for (const u of users) if ((await status(api, u.id)).status !== finalStatus) return false;
    return true;
  }, `every user ${finalStatus}`, 60_000);
  for (const u of users) {
    const types = await historyTypes(api, u.id);
    assert.equal(count(types, completion), 1, `${u.id}: ${types.join(',')}`);
    assert.equal((await status(api, u.id)).transitioningToStatus, undefined);
  }
}

test('SIGKILL between requested and completed: the transition completes after restart, once', async () => {
  const first = await startServer({ args: ['--workers', '0'] });
  const api1 = first.client();
  const a = await api1.createUser({ activate: false, password: STRONG_PASSWORD });
  const d = await api1.createUser({ password: STRONG_PASSWORD });
  assert.equal((await api1.post(`/api/v1/users/${a.id}/lifecycle/activate?sendEmail=false`, undefined, ASYNC)).status, 202);
  assert.equal((await api1.post(`/api/v1/users/${d.id}/lifecycle/deactivate`, undefined, ASYNC)).status, 202);
  assert.equal((await status(api1, d.id)).transitioningToStatus, 'DEPROVISIONED');
  await first.stop({ signal: 'SIGKILL', keepData: true });

  const second = await startServer({ dataDir: first.dir, token: first.token });
  try {
    const api = second.client();
    await expectEachOnce(api, [a], 'ACTIVE', 'UserActivated');
    await expectEachOnce(api, [d], 'DEPROVISIONED', 'UserDeactivated');
  } finally {
    await second.stop();
  }
});

test('a worker process killed mid-batch: the other worker takes over, each transition once', async () => {
  const server = await startServer({ args: ['--workers', '0', '--request-retry-ms', '5000'] });
  const w1 = await startWorker(bootstrapOf(server), ['--data-dir', server.dir]);
  const w2 = await startWorker(bootstrapOf(server), ['--data-dir', server.dir]);
  try {
    const api = server.client();
    // Both workers are in the group once a warm-up request completes and the rebalance settles.
    const warm = await api.createUser({ password: STRONG_PASSWORD });
    await api.post(`/api/v1/users/${warm.id}/lifecycle/deactivate`);
    await eventually(async () => (await status(api, warm.id)).status === 'DEPROVISIONED', 'the warm-up');
    const users = await createMany(api, 200, { password: STRONG_PASSWORD });
    const accepted = Promise.all(users.map((u) => api.post(`/api/v1/users/${u.id}/lifecycle/deactivate`, undefined, ASYNC)));
    // Mid-batch: as soon as the first deactivations have completed, kill one worker.
    await eventually(async () => (await status(api, users[0].id)).status === 'DEPROVISIONED' ||
                                 (await status(api, users[1].id)).status === 'DEPROVISIONED', 'the batch under way', 30_000);
    await stopChild(w1, 'SIGKILL');
    for (const r of await accepted) assert.equal(r.status, 202);
    await expectEachOnce(api, users, 'DEPROVISIONED', 'UserDeactivated');
  } finally {
    await stopChild(w1, 'SIGKILL');
    await stopChild(w2);
    await server.stop();
  }
});

test('results and requests delivered twice are applied once', async () => {
  const server = await startServer();
  try {
    const api = server.client();
    const users = await createMany(api, 20, { activate: false, password: STRONG_PASSWORD });
    for (const u of users) assert.equal((await api.post(`/api/v1/users/${u.id}/lifecycle/activate?sendEmail=false`)).status, 200);
    await expectEachOnce(api, users, 'ACTIVE', 'UserActivated');
    const b = bootstrapOf(server);
    for (const topic of ['idledger.lifecycle.results', 'idledger.lifecycle.requests']) {
      const all = execFileSync('kcat', ['-b', b, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-K', '\t', '-m', '10'],
                               { timeout: 30_000 }).toString();
      const lines = all.split('\n').filter(Boolean);
      assert.ok(lines.length >= users.length, `${topic}: ${lines.length} messages`);
      execFileSync('kcat', ['-b', b, '-P', '-t', topic, '-K', '\t', '-m', '10'], { input: lines.join('\n') + '\n', timeout: 30_000 });
    }
    // Every duplicate reaches the server and is dropped there.
    const metric = async (name) => Number((await api.get('/metrics')).text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1]);
    await eventually(async () => await metric('idledger_lifecycle_results_dropped_total') >= 2 * users.length, 'duplicates dropped');
    assert.equal(await metric('idledger_lifecycle_results_applied_total'), users.length);
    await expectEachOnce(api, users, 'ACTIVE', 'UserActivated');
  } finally {
    await server.stop();
  }
});

test('broker unavailable, then back: the API keeps answering and the transitions complete', async () => {
  const server = await startServer({ args: ['--test-hooks', '--sync-wait-ms', '1000', '--request-retry-ms', '3000'] });
  try {
    const api = server.client();
    const users = await createMany(api, 10, { password: STRONG_PASSWORD });
    const warm = await api.createUser({ activate: false });
    assert.equal((await api.post(`/api/v1/users/${warm.id}/lifecycle/activate`)).status, 200);
    assert.equal((await api.post('/api/v1/_test/kafka', { brokerUp: false })).status, 200);
    for (const u of users.slice(0, 9))
      assert.equal((await api.post(`/api/v1/users/${u.id}/lifecycle/deactivate`, undefined, ASYNC)).status, 202);
    // Without Prefer the call waits its bounded time and answers as Okta does.
    const started = Date.now();
    const sync = await api.post(`/api/v1/users/${users[9].id}/lifecycle/deactivate`);
    assert.equal(sync.status, 200);
    assert.ok(Date.now() - started < 5000);
    assert.equal((await status(api, users[9].id)).transitioningToStatus, 'DEPROVISIONED');
    // The bounded wait above already let the broker-less server try for seconds: still ACTIVE.
    assert.equal((await status(api, users[0].id)).status, 'ACTIVE');
    assert.equal((await api.post('/api/v1/_test/kafka', { brokerUp: true })).status, 200);
    await expectEachOnce(api, users, 'DEPROVISIONED', 'UserDeactivated');
  } finally {
    await server.stop();
  }
});

test('--kafka-brokers: a server on an existing cluster (here another server\'s broker and workers)', async () => {
  const host = await startServer();  // its broker and in-process workers play the cluster
  let guest;
  try {
    guest = await startServer({ args: ['--kafka-brokers', bootstrapOf(host), '--workers', '0',
                                       '--worker-keys-file', join(host.dir, 'worker.key')] });
    const api = guest.client();
    const users = await createMany(api, 5, { activate: false, password: STRONG_PASSWORD });
    for (const u of users) assert.equal((await api.post(`/api/v1/users/${u.id}/lifecycle/activate?sendEmail=false`)).status, 200);
    await expectEachOnce(api, users, 'ACTIVE', 'UserActivated');
    // The host's own result consumer saw the guest's results too and left them alone.
    const hostApi = host.client();
    const u = await hostApi.createUser({ activate: false, password: STRONG_PASSWORD });
    assert.equal((await hostApi.post(`/api/v1/users/${u.id}/lifecycle/activate?sendEmail=false`)).status, 200);
    await expectEachOnce(hostApi, [u], 'ACTIVE', 'UserActivated');
  } finally {
    await guest?.stop();
    await host.stop();
  }
});

test('the broker is not trusted: forged results change nothing, no one-time token travels', async () => {
  const server = await startServer({ args: ['--workers', '0'] });
  let worker;
  try {
    const api = server.client();
    const b = bootstrapOf(server);
    const topicLines = (topic) => execFileSync('kcat', ['-b', b, '-C', '-t', topic, '-o', 'beginning', '-e', '-q'],
                                               { timeout: 30_000 }).toString().split('\n').filter(Boolean);
    const metric = async (name) => Number((await api.get('/metrics')).text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1]);
    const u = await api.createUser({ password: STRONG_PASSWORD });
    const minted = await api.post('/api/v1/api-tokens', { name: 'n', userId: u.id });
    assert.equal(minted.status, 200, minted.text);
    assert.equal((await api.post(`/api/v1/users/${u.id}/lifecycle/deactivate`, undefined, ASYNC)).status, 202);
    const request = await eventually(() => topicLines('idledger.lifecycle.requests')
      .map((l) => JSON.parse(l)).find((m) => m.userId === u.id), 'the deactivation request');
    assert.match(request.mac, /^[0-9a-f]{64}$/);
    // A "deactivation done" without a MAC, and one with a made-up MAC: both dropped and counted.
    const forged = { requestId: request.requestId, position: request.position, userId: u.id, kind: 'deactivate' };
    const lines = [JSON.stringify(forged), JSON.stringify({ ...forged, mac: 'ab'.repeat(32) })];
    execFileSync('kcat', ['-b', b, '-P', '-t', 'idledger.lifecycle.results', '-k', u.id], { input: lines.join('\n') + '\n', timeout: 30_000 });
    await eventually(async () => await metric('idledger_lifecycle_results_forged_total') >= 2, 'forged results dropped');
    const still = (await api.get(`/api/v1/users/${u.id}`)).body;
    assert.equal(still.status, 'ACTIVE');
    assert.equal(still.transitioningToStatus, 'DEPROVISIONED');
    assert.equal((await api.get(`/api/v1/users/${u.id}/history`)).body.filter((e) => e.type === 'UserDeactivated').length, 0);

    // A real worker completes it; the server revokes the user's tokens from its own state.
    worker = await startWorker(b, ['--data-dir', server.dir]);
    await eventually(async () => (await api.get(`/api/v1/users/${u.id}`)).body.status === 'DEPROVISIONED', 'DEPROVISIONED');
    assert.equal((await api.post(`/api/v1/users/${u.id}/lifecycle/activate?sendEmail=false`)).status, 200);
    assertOktaError(assert, await new Client(server.base, minted.body.token).get('/api/v1/users/me'), 401, 'E0000011');

    // An activation e-mail's one-time token is in the e-mail only: on neither topic.
    const staged = await api.createUser({ activate: false });
    assert.equal((await api.post(`/api/v1/users/${staged.id}/lifecycle/activate?sendEmail=true`)).status, 200);
    const mail = await eventually(() => readdirSync(join(server.dir, 'mail'))
      .map((f) => readFileSync(join(server.dir, 'mail', f), 'utf8')).find((m) => m.includes(staged.profile.email)), 'the e-mail');
    const token = mail.match(/\/welcome\/([A-Za-z0-9]{20})/)?.[1];
    assert.ok(token, mail);
    for (const topic of ['idledger.lifecycle.requests', 'idledger.lifecycle.results'])
      for (const l of topicLines(topic)) assert.ok(!l.includes(token), `${topic} carries the token: ${l}`);
  } finally {
    if (worker) await stopChild(worker, 'SIGTERM');
    await server.stop();
  }
});
