// A full disk: writes answer 503 and /readyz says why, reads go on, the server recovers when
// space returns, a SIGTERM while full exits cleanly, a start on a full disk refuses without
// touching the data, and every acknowledged write is there afterwards (replay --verify passes).
// Needs a small tmpfs: mounted when the test runs as root, skipped (with the reason) otherwise.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, eventually, assertOktaError, BIN } from './harness.mjs';

const MOUNT_MB = 256;

function mountTmpfs() {
  const dir = mkdtempSync(join(tmpdir(), 'idledger-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_MB}m,mode=0700`, 'tmpfs', dir]);
  if (r.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `cannot mount a tmpfs (${(r.stderr ?? '').toString().trim() || 'not root'})` };
  }
  return { dir };
}

/// Fills the file system with `name` up to what is left less `leaveMb`.
function filler(dir, name, mb) {
  const chunk = Buffer.alloc(1 << 20, 7);
  const path = join(dir, name);
  for (let i = 0; i < mb; i++) writeFileSync(path, chunk, { flag: 'a' });
  return path;
}

/// Creates users with large profiles from 8 concurrent writers until each is answered 503;
/// returns the acknowledged ids.
async function fillUntil503(api, tag) {
  const acked = [];
  const writer = async (w) => {
    for (let i = 0; i < 5_000; i++) {
      const login = `${tag}-${w}-${i}@example.com`;
      const res = await api.post('/api/v1/users?activate=false', {
        profile: { firstName: 'F', lastName: 'L', email: login, login, blob: 'z'.repeat(60_000) } });
      if (res.status === 200) { acked.push(res.body.id); continue; }
      assertOktaError(assert, res, 503, 'E0000010');
      assert.ok(Number(res.headers.get('retry-after')) > 0, 'Retry-After on 503');
      return;
    }
    throw new Error('the disk never filled');
  };
  await Promise.all(Array.from({ length: 8 }, (_, w) => writer(w)));
  return acked;
}

/// Waits (20 s at most) until `left()` has not moved for a second: the store's refusal starts a
/// flush of its memtables, which frees their write-ahead logs a moment later.
async function settled(left) {
  const end = Date.now() + 20_000;
  let last = left();
  let still = 0;
  while (still < 5 && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 200));
    const now = left();
    still = now === last ? still + 1 : 0;
    last = now;
  }
  return last;
}

test('disk full: 503 and not ready, reads go on, recovery, clean stop, refused start, nothing lost', async (t) => {
  const mount = mountTmpfs();
  if (mount.skip) return t.skip(mount.skip);
  const data = join(mount.dir, 'data');
  mkdirSync(data, { mode: 0o700 });
  // Each stage is a subtest, so a failure names its stage; after one fails the rest are skipped.
  let failed = false;
  const stage = (name, fn) => t.test(name, async (s) => {
    if (failed) return s.skip('an earlier stage failed');
    try { await fn(); } catch (e) { failed = true; throw e; }
  });
  let server;
  try {
    server = await startServer({ dataDir: data });
    const token = server.token;
    const api = server.client();
    // Fillers outside the data directory: freeing `a` lets the running server recover, freeing
    // the others lets a stopped one start again.
    const left = () => Number(execFileSync('df', ['-BM', '--output=avail', mount.dir]).toString().split('\n')[1].replace('M', ''));
    const fillers = [];
    const a = filler(mount.dir, 'filler-a', 40);
    const acked = [];

    await stage('writes answer 503 once the disk is full; not ready; reads go on', async () => {
      // What is left: the writer's 64 MB reserve and about 36 MB to fill.
      fillers.push(filler(mount.dir, 'filler-b', Math.max(0, left() - 100)));
      acked.push(...await fillUntil503(api, 'first'));
      assert.ok(acked.length > 0, 'some writes before the disk filled');
      // The refusal flushed the memtables, which gives their logs' space back: once that has
      // settled, take all but 40 MB, so the store stays under its reserve until `a` is freed
      // (without this, the freed logs let it resume by itself, as it should).
      fillers.push(filler(mount.dir, 'filler-d', Math.max(0, await settled(left) - 40)));

      const ready = await api.get('/readyz');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.status, 'not ready');
      assert.match(ready.body.reason, /cannot write/);
      assert.equal((await api.get(`/api/v1/users/${acked[0]}`)).status, 200, 'reads go on');
      assert.equal((await api.get('/api/v1/users?limit=5')).status, 200);
      assertOktaError(assert, await api.post(`/api/v1/users/${acked[0]}`, { profile: { title: 'x' } }), 503, 'E0000010');
      const stillReady = await api.get('/readyz');
      assert.equal(stillReady.status, 503, stillReady.text);
      assert.match(stillReady.body.reason, /nearly full/);
    });

    await stage('writes resume by themselves when space returns', async () => {
      rmSync(a);
      let lastReady = '';
      const resumed = await eventually(async () => {
        const login = `after-${Date.now()}@example.com`;
        const r = await api.post('/api/v1/users?activate=false', { profile: { firstName: 'F', lastName: 'L', email: login, login } });
        if (r.status !== 200) lastReady = (await api.get('/readyz')).text;
        return r.status === 200 ? r.body.id : null;
      }, 'writes after space returned', 30_000).catch((e) => { throw new Error(`${e.message}: ${lastReady}`); });
      acked.push(resumed);
      assert.equal((await api.get('/readyz')).body.status, 'ready');
    });

    await stage('full again, a SIGTERM exits cleanly', async () => {
      // The harness asserts exit code 0.
      acked.push(...await fillUntil503(api, 'second'));
      await server.stop({ keepData: true });
      server = null;
    });

    await stage('a start under --min-free-mb is refused with a message and changes nothing', async () => {
      // --min-free-mb defaults to 80.
      fillers.push(filler(mount.dir, 'filler-c', Math.max(0, left() - 50)));
      const before = readdirSync(join(data, 'store')).sort();
      const refused = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--data-dir', data], { timeout: 30_000 });
      assert.notEqual(refused.status, 0);
      assert.match(refused.stderr.toString(), /MB free/);
      assert.deepEqual(readdirSync(join(data, 'store')).sort(), before);
    });

    await stage('with room again every acknowledged write is there, and replay agrees', async () => {
      for (const f of fillers) rmSync(f);
      server = await startServer({ dataDir: data, token });
      const admin = server.client();
      for (const id of acked) assert.equal((await admin.get(`/api/v1/users/${id}`)).status, 200, id);
      await server.stop({ keepData: true });
      server = null;
      const verify = execFileSync(BIN, ['replay', '--data-dir', data, '--verify']).toString();
      assert.match(verify, /every read model matches/);
    });
  } finally {
    if (server) await server.stop({ keepData: true }).catch(() => {});
    spawnSync('umount', [mount.dir]);
    rmSync(mount.dir, { recursive: true, force: true });
  }
});
