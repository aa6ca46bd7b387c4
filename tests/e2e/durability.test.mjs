// Acknowledged means durable; replay is exact; permanent deletion leaves no personal data.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startServer, eventually, BIN, STRONG_PASSWORD } from './harness.mjs';

function filesUnder(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

// SST blocks are compressed (Snappy): read them through RocksDB's own sst_dump, decompressed, so
// that a value cannot hide behind compression; every other file (WAL, MANIFEST, ...) is read raw.
function grepData(dir, needle) {
  const hits = [];
  for (const f of filesUnder(dir)) {
    let content = readFileSync(f);
    if (f.endsWith('.sst')) {
      const dump = execFileSync('sst_dump', [`--file=${f}`, '--command=scan', '--output_hex'], { maxBuffer: 1 << 30 }).toString();
      content = Buffer.concat([content, hexValues(dump)]);
    }
    if (content.includes(Buffer.from(needle))) hits.push(f);
  }
  return hits;
}

// sst_dump --output_hex prints "'KEYHEX' seq:N, type:T => VALUEHEX" per entry.
function hexValues(dump) {
  const parts = [];
  for (const m of dump.matchAll(/'([0-9A-Fa-f]*)'[^\n]*=> ([0-9A-Fa-f]*)/g)) {
    parts.push(Buffer.from(m[1], 'hex'), Buffer.from(' '), Buffer.from(m[2], 'hex'), Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

test('SIGKILL during a sustained create load loses no acknowledged user', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'idledger-kill-'));
  const token = 'kill-' + randomBytes(8).toString('hex');
  let server = await startServer({ dataDir: dir, token });
  const api = server.client();
  const acknowledged = [];
  let stop = false;
  const worker = async (w) => {
    for (let i = 0; !stop; i++) {
      const login = `kill-${w}-${i}-${randomBytes(3).toString('hex')}@example.com`;
      try {
        const res = await api.post('/api/v1/users', { profile: { firstName: 'K', lastName: 'L', email: login, login } });
        if (res.status === 200) acknowledged.push(res.body.id);
      } catch { return; }  // the server died under us: this request was never acknowledged
    }
  };
  const workers = Array.from({ length: 32 }, (_, w) => worker(w));
  while (acknowledged.length < 400) await new Promise((r) => setTimeout(r, 10));
  await server.stop({ keepData: true, signal: 'SIGKILL' });
  stop = true;
  await Promise.all(workers);
  const acked = [...acknowledged];

  server = await startServer({ dataDir: dir, token });
  const again = server.client();
  for (const id of acked) assert.equal((await again.get(`/api/v1/users/${id}`)).status, 200, `lost ${id}`);
  await server.stop({ keepData: true });
  // The log and the read models agree after the crash.
  const out = execFileSync(BIN, ['replay', '--data-dir', dir, '--verify']).toString();
  assert.match(out, /every read model matches/);
  rmSync(dir, { recursive: true, force: true });
});

test('replay --verify passes after a mixed workload; replay reports its speed', async () => {
  const server = await startServer();
  const api = server.client();
  const users = [];
  for (let i = 0; i < 40; i++) users.push(await api.createUser({ password: i % 4 === 0 ? STRONG_PASSWORD : undefined, activate: i % 3 !== 0 }));
  for (const [i, u] of users.entries()) {
    if (i % 2 === 0) await api.post(`/api/v1/users/${u.id}`, { profile: { title: `T${i}`, login: `renamed-${i}-${u.profile.login}` } });
    if (i % 5 === 0) await api.post(`/api/v1/users/${u.id}/lifecycle/deactivate`);
    if (i % 10 === 0) await api.delete(`/api/v1/users/${u.id}`);
    if (i % 4 === 0 && i % 5 !== 0) await api.post(`/api/v1/users/${u.id}/lifecycle/suspend`);
  }
  await api.post('/api/v1/api-tokens', { name: 'extra', userId: users[1].id });
  const listed = (await api.get('/api/v1/users?limit=200')).body.map((u) => u.id).sort();
  await server.stop({ keepData: true });

  const verify = execFileSync(BIN, ['replay', '--data-dir', server.dir, '--verify']).toString();
  assert.match(verify, /replayed \d+ events in [\d.e-]+ s \(\d+ events\/s\)/);
  assert.match(verify, /every read model matches/);
  const rebuild = execFileSync(BIN, ['replay', '--data-dir', server.dir]).toString();
  assert.match(rebuild, /events\/s/);

  // The rebuilt server answers exactly as before.
  const again = await startServer({ dataDir: server.dir, token: server.token });
  const relisted = (await again.client().get('/api/v1/users?limit=200')).body.map((u) => u.id).sort();
  assert.deepEqual(relisted, listed);
  await again.stop();
});

test('a permanently deleted user\'s personal data is nowhere in the data directory', async () => {
  const server = await startServer();
  const api = server.client();
  const marker = randomBytes(8).toString('hex');
  const email = `shred-${marker}@example.com`;
  const u = await api.createUser({
    password: STRONG_PASSWORD,
    profile: { login: email, email, firstName: `First${marker}`, lastName: `Last${marker}`, mobilePhone: `555-${marker}` },
    recovery: { question: `Question${marker}?`, answer: 'a secret answer' },
  });
  await api.post(`/api/v1/users/${u.id}`, { profile: { nickName: `Nick${marker}` } });
  const other = await api.createUser({ profile: { firstName: `Keep${marker}` } });  // must survive
  // Both get e-mails written as files (a reset link; the other's activation): personal data in
  // mail/ that must follow the user.
  assert.equal((await api.post(`/api/v1/users/${u.id}/lifecycle/reset_password?sendEmail=true`)).status, 200);
  const mailWith = (needle) => {
    try {
      return readdirSync(join(server.dir, 'mail')).some((f) => readFileSync(join(server.dir, 'mail', f), 'utf8').includes(needle));
    } catch { return false; }
  };
  await eventually(() => mailWith(`First${marker}`) && mailWith(`Keep${marker}`), 'both e-mails');
  await api.delete(`/api/v1/users/${u.id}`);
  await api.delete(`/api/v1/users/${u.id}`);
  await server.stop({ keepData: true });

  execFileSync(BIN, ['compact', '--data-dir', server.dir]);
  for (const needle of [email, `First${marker}`, `Last${marker}`, `555-${marker}`, `Question${marker}`, `Nick${marker}`])
    assert.deepEqual(grepData(server.dir, needle), [], `${needle} still on disk`);
  assert.ok(grepData(server.dir, `Keep${marker}`).length > 0, 'the other user\'s data should remain');

  // The deleted user's events are still in the log (append-only), and replay still verifies.
  const verify = execFileSync(BIN, ['replay', '--data-dir', server.dir, '--verify']).toString();
  assert.match(verify, /every read model matches/);
  const again = await startServer({ dataDir: server.dir, token: server.token });
  assert.equal((await again.client().get(`/api/v1/users/${u.id}`)).status, 404);
  assert.equal((await again.client().get(`/api/v1/users/${other.id}`)).status, 200);
  await again.stop();
});
