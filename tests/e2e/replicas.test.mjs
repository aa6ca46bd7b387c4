// Read replicas on the log topic: a primary publishing its log (--publish-log) and two
// `idledger replica` processes that start from its snapshot, fold the topic, serve reads from
// their own stores and forward writes, answering them once folded. The official Okta SDK talks
// to every node in turn and always reads what it wrote.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import okta from '@okta/okta-sdk-nodejs';
import { BIN, startServer, eventually, Client, STRONG_PASSWORD } from './harness.mjs';

let primary, bootstrap;
const replicas = [];

async function startReplica(dataDir) {
  const r = await startServer({
    command: 'replica',
    dataDir,
    token: primary.token,
    // No --kafka-brokers: the replica asks the primary where its log topic is, and asks again
    // when the topic goes quiet (a restarted primary's embedded broker is on another port).
    args: ['--primary', primary.base, '--metrics-public'],
    env: { IDLEDGER_PRIMARY_TOKEN: primary.token },
  });
  await eventually(async () => (await fetch(r.base + '/readyz')).status === 200, 'the replica to be ready', 60_000);
  return r;
}

const position = (res) => Number(res.headers.get('x-idledger-position'));

const PRIMARY_ARGS = ['--publish-log', '--metrics-public', '--test-hooks'];

before(async () => {
  primary = await startServer({ args: PRIMARY_ARGS });
  bootstrap = readFileSync(join(primary.dir, 'kafka-bootstrap'), 'utf8').trim();
  // Something before the snapshot, so the replicas start from a non-empty store.
  await primary.client().createUser({ activate: false, password: STRONG_PASSWORD });
  replicas.push(await startReplica(), await startReplica());
});

after(async () => {
  for (const r of replicas) await r?.stop();
  await primary?.stop();
});

const newUser = (login) => ({
  profile: { firstName: 'Rep', lastName: 'Lica', email: login, login },
  credentials: { password: { value: STRONG_PASSWORD } },
});

test('the SDK writes and reads through every node in turn and always sees its own writes', async () => {
  const nodes = [primary, ...replicas];
  const sdks = nodes.map((n) => new okta.Client({ orgUrl: n.base, token: primary.token }));
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < nodes.length; i++) {
      const sdk = sdks[i];
      const login = `rep.${round}.${i}.${Date.now()}@example.com`;
      const created = await sdk.userApi.createUser({ body: newUser(login), activate: false });
      assert.equal(created.status, 'STAGED');
      const read = await sdk.userApi.getUser({ userId: created.id });
      assert.equal(read.profile.login, login);
      const byLogin = await sdk.userApi.getUser({ userId: login });
      assert.equal(byLogin.id, created.id);
      // An update through the next node, read back through it at once.
      const other = sdks[(i + 1) % nodes.length];
      await other.userApi.updateUser({ userId: created.id, user: { profile: { ...read.profile, nickName: `round${round}` } } });
      const updated = await other.userApi.getUser({ userId: created.id });
      assert.equal(updated.profile.nickName, `round${round}`);
      // A lifecycle operation forwarded from a replica: activation runs on the primary's workers.
      await other.userApi.activateUser({ userId: created.id, sendEmail: false });
      const active = await other.userApi.getUser({ userId: created.id });
      assert.equal(active.status, 'ACTIVE');
    }
  }
  // Lists and searches come from each replica's own indexes.
  for (const r of replicas) {
    const res = await r.client().get('/api/v1/users?search=' + encodeURIComponent('profile.nickName eq "round2"'));
    assert.equal(res.status, 200);
    assert.equal(res.body.length, nodes.length);
  }
});

test('a position learned from one node is honoured by another (X-Idledger-Min-Position)', async () => {
  const res = await primary.client().post('/api/v1/users?activate=false', newUser(`pos.${Date.now()}@example.com`));
  assert.equal(res.status, 200);
  const at = position(res);
  assert.ok(at > 0, 'writes carry X-Idledger-Position');
  for (const r of replicas) {
    const read = await r.client().get(`/api/v1/users/${res.body.id}`, { headers: { 'X-Idledger-Min-Position': String(at) } });
    assert.equal(read.status, 200);
    assert.ok(position(read) >= at);
  }
  const bad = await replicas[0].client().get('/api/v1/users/me', { headers: { 'X-Idledger-Min-Position': 'soon' } });
  assert.equal(bad.status, 400);
  assert.equal(bad.body.errorCode, 'E0000001');
  const far = await replicas[0].client().get('/api/v1/users', { headers: { 'X-Idledger-Min-Position': String(at + 1_000_000) } });
  assert.equal(far.status, 503);
  assert.equal(far.body.errorCode, 'E0000010');
});

test('the log topic carries every committed event in order, exactly the stored ones', async () => {
  const head = position(await primary.client().get('/api/v1/users?limit=1'));
  const out = execFileSync('kcat', ['-b', bootstrap, '-C', '-t', 'idledger.log', '-p', '0', '-o', 'beginning', '-e',
                                    '-f', '%k\\n', '-m', '10'], { timeout: 60_000 }).toString();
  const keys = out.trim().split('\n');
  // This primary's broker is new with it: the topic starts at the log's head when publishing began.
  assert.ok(keys.length > 10 && keys.length <= head, `${keys.length} messages for ${head} events`);
  assert.ok(keys.some((k) => k.startsWith('user-')));
  const metrics = await (await fetch(primary.base + '/metrics')).text();
  assert.match(metrics, /idledger_log_published_position \d+/);
});

test('replicas answer every kind of read exactly as the primary does at the same position', async () => {
  const c = primary.client();
  const u = await c.createUser({ activate: false });
  await c.post(`/api/v1/users/${u.id}`, { profile: { ...u.profile, nickName: 'history' } });
  const group = await c.post('/api/v1/groups', { profile: { name: `replicated-${Date.now()}` } });
  assert.equal(group.status, 200);
  const at = position(await c.get('/api/v1/users?limit=1'));
  const reads = [
    `/api/v1/users/${u.id}`,
    `/api/v1/users/${u.id}?asOf=${at - 2}`,
    `/api/v1/users/${u.id}/history`,
    `/api/v1/users?filter=${encodeURIComponent('status eq "STAGED"')}&limit=200`,
    `/api/v1/logs?since=2000-01-01T00:00:00.000Z&limit=100`,
    `/api/v1/groups/${group.body.id}`,
    '/api/v1/groups?limit=200',
    '/api/v1/trustedOrigins',
  ];
  const headers = { 'X-Idledger-Min-Position': String(at) };
  for (const path of reads) {
    const mine = await c.get(path);
    assert.equal(mine.status, 200, path);
    for (const r of replicas) {
      const theirs = await r.client().get(path, { headers });
      assert.equal(theirs.status, 200, path);
      // Absolute URLs name the node asked; everything else is the same.
      const local = (text, base) => text.replaceAll(base, 'BASE');
      assert.deepEqual(JSON.parse(local(theirs.text, r.base)), JSON.parse(local(mine.text, primary.base)), path);
    }
  }
});

test('replicas keep no write of their own and report their lag', async () => {
  for (const r of replicas) {
    const metrics = await (await fetch(r.base + '/metrics')).text();
    assert.match(metrics, /idledger_replica_forwarded_writes_total [1-9]/);
    assert.match(metrics, /idledger_replica_lag_events \d+/);
    const ready = await (await fetch(r.base + '/readyz')).json();
    assert.equal(ready.status, 'ready');
  }
});

test('a SIGKILLed replica catches up on restart and serves nothing stale', async () => {
  const victim = replicas[1];
  await victim.stop({ keepData: true, signal: 'SIGKILL' });
  const c = primary.client();
  const made = [];
  for (let i = 0; i < 5; i++) made.push(await c.createUser({ activate: false }));
  const at = position(await c.get('/api/v1/users?limit=1'));
  replicas[1] = await startReplica(victim.dir);
  const rc = replicas[1].client();
  for (const u of made) {
    const res = await rc.get(`/api/v1/users/${u.id}`, { headers: { 'X-Idledger-Min-Position': String(at) } });
    assert.equal(res.status, 200);
    assert.equal(res.body.profile.login, u.profile.login);
  }
});

test('the broker down and up: writes go on, replicas catch up afterwards', async () => {
  const c = primary.client();
  assert.equal((await c.post('/api/v1/_test/kafka', { brokerUp: false })).status, 200);
  const made = [];
  try {
    // Writes through the primary and through a replica are durable on the primary meanwhile.
    made.push(await c.createUser({ activate: false }));
    const viaReplica = await replicas[0].client().post('/api/v1/users?activate=false', newUser(`down.${Date.now()}@example.com`));
    assert.equal(viaReplica.status, 200);
    made.push(viaReplica.body);
  } finally {
    assert.equal((await c.post('/api/v1/_test/kafka', { brokerUp: true })).status, 200);
  }
  const at = position(await c.get('/api/v1/users?limit=1'));
  for (const r of replicas)
    for (const u of made)
      await eventually(async () => (await r.client().get(`/api/v1/users/${u.id}`, { headers: { 'X-Idledger-Min-Position': String(at) } })).status === 200,
                       'the replica after the broker came back', 60_000);
});

test('the primary SIGKILLed mid-write and restarted: replicas follow its new broker, nothing acknowledged is lost, no fresh snapshot', async () => {
  const c = primary.client();
  const acked = [];
  let stopping = false;
  const writer = async (w) => {
    for (let i = 0; !stopping; i++) {
      let res;
      try {
        res = await c.post('/api/v1/users?activate=false', newUser(`crash.${w}.${i}.${Date.now()}@example.com`));
      } catch {
        return;  // the connection died with the primary: not acknowledged
      }
      if (res.status === 200) acked.push(res.body);
    }
  };
  const writers = [writer(0), writer(1), writer(2)];
  await eventually(async () => acked.length >= 30, 'creates acknowledged before the crash');
  const oldBroker = bootstrap;
  await primary.stop({ keepData: true, signal: 'SIGKILL' });
  stopping = true;
  await Promise.all(writers);
  primary = await startServer({
    dataDir: primary.dir, token: primary.token,
    args: [...PRIMARY_ARGS, '--listen', `127.0.0.1:${primary.port}`],
  });
  bootstrap = readFileSync(join(primary.dir, 'kafka-bootstrap'), 'utf8').trim();
  assert.notEqual(bootstrap, oldBroker, 'the embedded broker came back on another port');
  const c2 = primary.client();
  const later = await c2.createUser({ activate: false });
  const at = position(await c2.get('/api/v1/users?limit=1'));
  for (const r of replicas) {
    const rc = r.client();
    const minPos = { headers: { 'X-Idledger-Min-Position': String(at) } };
    await eventually(async () => (await rc.get(`/api/v1/users/${later.id}`, minPos)).status === 200,
                     'the replica to follow the restarted primary', 60_000);
    for (const u of acked) {
      const res = await rc.get(`/api/v1/users/${u.id}`, minPos);
      assert.equal(res.status, 200, `acknowledged ${u.id} on ${r.base}`);
      assert.equal(res.body.profile.login, u.profile.login);
    }
    const metrics = await (await fetch(r.base + '/metrics')).text();
    assert.match(metrics, /idledger_replica_log_broker_moves_total [1-9]/);
    assert.doesNotMatch(r.stderr(), /taking a fresh snapshot/);
  }
  // Writes through a replica reach the restarted primary and read back there at once.
  const via = await replicas[0].client().post('/api/v1/users?activate=false', newUser(`after.${Date.now()}@example.com`));
  assert.equal(via.status, 200);
  assert.equal((await replicas[0].client().get(`/api/v1/users/${via.body.id}`)).status, 200);
});

test('a replica of a primary that does not publish its log says so on /readyz instead of looking current', async () => {
  const quiet = await startServer({ args: ['--metrics-public'] });
  let r;
  try {
    r = await startServer({
      command: 'replica', token: quiet.token,
      args: ['--primary', quiet.base, '--metrics-public'],
      env: { IDLEDGER_PRIMARY_TOKEN: quiet.token },
    });
    await eventually(async () => {
      const res = await fetch(r.base + '/readyz');
      const body = await res.json();
      return res.status === 503 && /does not publish its log/.test(body.reason ?? '');
    }, 'the replica to say its primary does not publish', 30_000);
    assert.match(r.stderr(), /start it with --publish-log/);
  } finally {
    await r?.stop();
    await quiet.stop();
  }
});

test('every replica holds the primary\'s log and folds it to the same read models; deletions shred there too', async () => {
  const c = primary.client();
  const gone = await c.createUser({ activate: false, profile: { firstName: 'Shredded' } });
  assert.equal((await c.post(`/api/v1/users/${gone.id}/lifecycle/deactivate`)).status, 200);
  const del = await c.delete(`/api/v1/users/${gone.id}`);
  assert.equal(del.status, 202);
  const at = position(del);
  for (const r of replicas)
    await eventually(async () => (await r.client().get(`/api/v1/users/${gone.id}`, { headers: { 'X-Idledger-Min-Position': String(at) } })).status === 404,
                     'the deletion on the replica', 30_000);
  // Wait for the primary to settle (the deletion's admin notification e-mail is recorded after
  // it), then for every replica to reach its head.
  let head = 0;
  await eventually(async () => {
    const metrics = await (await fetch(primary.base + '/metrics')).text();
    const now = (await (await fetch(primary.base + '/readyz')).json()).logPosition;
    const settled = /idledger_lifecycle_requests_in_flight 0\b/.test(metrics) && now === head;
    head = now;
    if (!settled) await new Promise((r) => setTimeout(r, 300));
    return settled;
  }, 'the primary to settle', 30_000);
  for (const r of replicas)
    assert.equal((await r.client().get('/api/v1/users?limit=1', { headers: { 'X-Idledger-Min-Position': String(head) } })).status, 200);
  const dirs = [];
  for (let i = 0; i < replicas.length; i++) {
    await replicas[i].stop({ keepData: true });
    dirs.push(replicas[i].dir);
    replicas[i] = null;
  }
  await primary.stop({ keepData: true });
  const exportOf = (dir) => execFileSync(BIN, ['export', '--data-dir', dir], { timeout: 300_000, maxBuffer: 1 << 28 }).toString();
  const mine = exportOf(primary.dir);
  assert.ok(!mine.includes('Shredded'));
  for (const dir of dirs) {
    const verify = execFileSync(BIN, ['replay', '--data-dir', dir, '--verify'], { timeout: 300_000 }).toString();
    assert.match(verify, /every read model matches the live one/);
    const theirs = exportOf(dir);
    assert.ok(!theirs.includes('Shredded'), 'the deleted user\'s data key is gone from the replica');
    assert.equal(theirs.trim().split('\n').length, head);
    assert.ok(mine.startsWith(theirs), 'the replica log is the primary log, byte for byte');
  }
  primary = null;
});
