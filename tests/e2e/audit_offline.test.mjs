// Export for auditors, point-in-time replay into a separate directory, and read-only serving of it.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, assertOktaError, BIN, STRONG_PASSWORD } from './harness.mjs';

test('export, replay --until and serve --read-only show the API as it was', async () => {
  const server = await startServer();
  const api = server.client();
  const a = await api.createUser({ password: STRONG_PASSWORD, profile: { firstName: 'Before' } });
  const b = await api.createUser();
  await api.post(`/api/v1/users/${a.id}`, { profile: { title: 'Then' } });
  const thenA = (await api.get(`/api/v1/users/${a.id}`)).body;
  const thenList = (await api.get('/api/v1/users?limit=200')).body;
  const log = (await api.get('/api/v1/logs?limit=1000')).body;
  const point = log[log.length - 1].debugContext.debugData.logPosition;

  // Afterwards: a new user, a suspension, a permanent deletion.
  await api.createUser();
  await api.post(`/api/v1/users/${a.id}/lifecycle/suspend`);
  await api.delete(`/api/v1/users/${b.id}`);
  await api.delete(`/api/v1/users/${b.id}`);

  // Export beside the running server.
  const lines = execFileSync(BIN, ['export', '--data-dir', server.dir]).toString().trim().split('\n').map((l) => JSON.parse(l));
  lines.forEach((l, i) => assert.equal(l.position, i + 1));
  assert.ok(lines.some((l) => l.logEvent?.eventType === 'user.lifecycle.suspend'));
  assert.ok(!JSON.stringify(lines).includes(STRONG_PASSWORD));
  assert.ok(!JSON.stringify(lines).includes('$argon2id'), 'hashes stay out of exports');
  assert.ok(lines.filter((l) => l.event.stream === `user-${b.id}` && l.event.type !== 'UserDeleted').every((l) => l.event.payload === 'shredded'));
  const tail = execFileSync(BIN, ['export', '--data-dir', server.dir, '--since', String(point + 1)]).toString().trim().split('\n');
  assert.equal(JSON.parse(tail[0]).position, point + 1);
  assert.equal(tail.length, lines.length - point);
  await server.stop({ keepData: true });

  // Replay up to the point into another directory and serve it read-only.
  const target = mkdtempSync(join(tmpdir(), 'idledger-asof-'));
  rmSync(target, { recursive: true, force: true });
  const out = execFileSync(BIN, ['replay', '--data-dir', server.dir, '--until', String(point), '--target', target]).toString();
  assert.match(out, /replayed \d+ events up to position/);
  const past = await startServer({ dataDir: target, token: server.token, args: ['--read-only'] });
  const pastApi = past.client();
  assert.deepEqual((await pastApi.get(`/api/v1/users/${a.id}`)).body.profile, thenA.profile);
  assert.equal((await pastApi.get(`/api/v1/users/${a.id}`)).body.status, 'ACTIVE');
  // Everyone listed then, except b: deleted since, and shredding is forever.
  assert.deepEqual((await pastApi.get('/api/v1/users?limit=200')).body.map((u) => u.id),
                   thenList.map((u) => u.id).filter((id) => id !== b.id));
  // b was deleted later: its data is shredded for good, so the copy cannot show it either.
  assertOktaError(assert, await pastApi.get(`/api/v1/users/${b.id}`), 404, 'E0000007');
  assertOktaError(assert, await pastApi.post('/api/v1/users', { profile: { login: 'x@example.com' } }), 403, 'E0000006');
  await past.stop();
  rmSync(server.dir, { recursive: true, force: true });
});
