// Audit: the System Log served from the event log, per-user history, and as-of reads.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertOktaError, links, STRONG_PASSWORD, clockPast } from './harness.mjs';

let server, api;
before(async () => { server = await startServer(); api = server.client(); });
after(async () => { await server?.stop(); });

const enc = encodeURIComponent;
async function logs(query) {
  const res = await api.get('/api/v1/logs?' + query);
  assert.equal(res.status, 200, res.text);
  return res;
}

test('every mutation is a LogEvent with actor, target, transaction and no secret', async () => {
  const created = await api.post('/api/v1/users', {
    profile: { firstName: 'Audit', lastName: 'Me', email: 'audit.me@example.com', login: 'audit.me@example.com' },
    credentials: { password: { value: STRONG_PASSWORD } },
  });
  const u = created.body;
  const updated = await api.post(`/api/v1/users/${u.id}`, { profile: { title: 'Auditor' } });
  const token = await api.post('/api/v1/api-tokens', { name: 'audited', userId: u.id });
  assert.equal(token.status, 200, token.text);
  await api.post(`/api/v1/users/${u.id}/lifecycle/suspend`);
  const res = await logs('filter=' + enc(`target.id eq "${u.id}"`) + '&limit=1000');
  const types = res.body.map((e) => e.eventType);
  assert.deepEqual(types, ['user.lifecycle.create', 'user.lifecycle.activate', 'user.account.update_profile', 'user.lifecycle.suspend']);
  const create = res.body[0];
  assert.match(create.uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(create.actor.alternateId, 'admin@idledger.local');
  assert.equal(create.actor.type, 'User');
  assert.equal(create.target[0].alternateId, 'audit.me@example.com');
  assert.equal(create.target[0].displayName, 'Audit Me');
  assert.equal(create.transaction.type, 'WEB');
  assert.equal(create.transaction.id, created.headers.get('x-okta-request-id'));
  assert.equal(create.outcome.result, 'SUCCESS');
  assert.equal(create.client.ipAddress, '127.0.0.1');
  const change = res.body[2];
  assert.equal(change.transaction.id, updated.headers.get('x-okta-request-id'));
  assert.deepEqual(change.target[0].changeDetails, { from: { title: null }, to: { title: 'Auditor' } });
  const all = await logs('limit=1000');
  assert.ok(!all.text.includes(STRONG_PASSWORD));
  assert.ok(!all.text.includes(token.body.token));
  assert.ok(all.body.some((e) => e.eventType === 'system.api_token.create' && e.target[0].id === token.body.id));
  // The bootstrap is the system's own work.
  assert.equal(all.body[0].actor.type, 'SystemPrincipal');
  assert.equal(all.body[0].transaction.type, 'JOB');
});

test('filter operators, q keywords, and a bad filter is E0000053', async () => {
  const suspended = await logs('filter=' + enc('eventType eq "user.lifecycle.suspend" and outcome.result eq "SUCCESS"'));
  assert.ok(suspended.body.length >= 1);
  assert.ok(suspended.body.every((e) => e.eventType === 'user.lifecycle.suspend'));
  const sw = await logs('filter=' + enc('eventType sw "user.account."'));
  assert.ok(sw.body.length >= 1 && sw.body.every((e) => e.eventType.startsWith('user.account.')));
  const q = await logs('q=' + enc('Auditor'));
  assert.ok(q.body.length >= 1);
  assert.equal((await logs('q=' + enc('nothing-like-this-anywhere'))).body.length, 0);
  assertOktaError(assert, await api.get('/api/v1/logs?filter=' + enc('eventType eq')), 400, 'E0000053');
  assertOktaError(assert, await api.get('/api/v1/logs?since=yesterday'), 400, 'E0000001');
  assertOktaError(assert, await api.get('/api/v1/logs?limit=5000'), 400, 'E0000001');
});

test('bounded queries end; DESCENDING reverses; since/until select by time', async () => {
  const since = new Date(Date.now() - 60_000).toISOString();
  const until = new Date(Date.now() + 1).toISOString();
  const asc = await logs(`since=${since}&until=${until}&limit=1000`);
  assert.equal(links(asc).next, undefined);
  const desc = await logs(`since=${since}&until=${until}&limit=1000&sortOrder=DESCENDING`);
  assert.deepEqual(desc.body.map((e) => e.uuid), asc.body.map((e) => e.uuid).reverse());
  const future = await logs(`since=${new Date(Date.now() + 3_600_000).toISOString()}&until=${new Date(Date.now() + 7_200_000).toISOString()}`);
  assert.equal(future.body.length, 0);
  // Paging a bounded query in small pages sees the same events.
  const paged = [];
  let url = `/api/v1/logs?since=${since}&until=${until}&limit=3`;
  for (let i = 0; i < 200 && url; i++) {
    const r = await api.get(url);
    paged.push(...r.body.map((e) => e.uuid));
    url = links(r).next?.slice(server.base.length);
  }
  assert.deepEqual(paged, asc.body.map((e) => e.uuid));
});

test('polling: next is always present and every event is seen exactly once, in order, while writers run', async () => {
  let res = await logs('limit=5');
  const seen = res.body.map((e) => e.debugContext.debugData.logPosition);
  let stop = false;
  const writers = Array.from({ length: 4 }, async () => {
    while (!stop) await api.createUser();
  });
  for (let i = 0; i < 60; i++) {
    const next = links(res).next;
    assert.ok(next, 'polling must always offer next');
    res = await api.get(next.slice(server.base.length));
    seen.push(...res.body.map((e) => e.debugContext.debugData.logPosition));
    if (i === 40) stop = true;
  }
  stop = true;
  await Promise.all(writers);
  // Drain what is left.
  for (let i = 0; i < 100; i++) {
    res = await api.get(links(res).next.slice(server.base.length));
    if (res.body.length === 0) break;
    seen.push(...res.body.map((e) => e.debugContext.debugData.logPosition));
  }
  for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], 'in order, no repeats');
  const everything = (await logs('limit=1000&since=' + new Date(Date.now() - 3_600_000).toISOString())).body;
  let all = everything.map((e) => e.debugContext.debugData.logPosition);
  let cursor = links(await logs('limit=1000&since=' + new Date(Date.now() - 3_600_000).toISOString())).next;
  while (all.length % 1000 === 0 && cursor) {  // more than one page
    const more = await api.get(cursor.slice(server.base.length));
    if (more.body.length === 0) break;
    all.push(...more.body.map((e) => e.debugContext.debugData.logPosition));
    cursor = links(more).next;
  }
  assert.deepEqual(seen, all, 'polling saw exactly the events of the log');
});

test('history: who changed what, when, through which request; deleted users are redacted', async () => {
  const u = await api.createUser({ password: STRONG_PASSWORD, profile: { firstName: 'Hist' } });
  const upd = await api.post(`/api/v1/users/${u.id}`, { profile: { firstName: 'Hista' } });
  await api.post(`/api/v1/users/${u.id}/credentials/change_password`, { oldPassword: { value: STRONG_PASSWORD }, newPassword: { value: 'Another-Pass-9' } });
  const res = await api.get(`/api/v1/users/${u.id}/history`);
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.map((e) => e.type), ['UserCreated', 'UserActivated', 'UserProfileReplaced', 'UserPasswordSet']);
  const rename = res.body[2];
  assert.equal(rename.requestId, upd.headers.get('x-okta-request-id'));
  assert.equal(rename.actor.alternateId, 'admin@idledger.local');
  assert.deepEqual(rename.changes.find((c) => c.field === 'profile.firstName'), { field: 'profile.firstName', from: 'Hist', to: 'Hista' });
  assert.deepEqual(res.body[3].changes.find((c) => c.field === 'credentials.password'), { field: 'credentials.password', from: '(set)', to: '(changed)' });
  assert.ok(!res.text.includes('Another-Pass-9') && !res.text.includes('argon2'));
  const page = await api.get(`/api/v1/users/${u.id}/history?limit=2`);
  assert.equal(page.body.length, 2);
  const next = await api.get(links(page).next.slice(server.base.length));
  assert.deepEqual(next.body.map((e) => e.version), [3, 4]);

  await api.delete(`/api/v1/users/${u.id}`);
  await api.delete(`/api/v1/users/${u.id}`);
  const gone = await api.get(`/api/v1/users/${u.id}/history`);
  assert.equal(gone.status, 200);
  // created, activated, renamed, password, deactivation requested and completed, deleted
  assert.deepEqual(gone.body.map((e) => e.type).slice(4), ['UserDeactivationRequested', 'UserDeactivated', 'UserDeleted']);
  assert.ok(gone.body.slice(0, 6).every((e) => e.redacted === true && e.changes.length === 0));
  assert.ok(!gone.text.includes('Hist'));
  assertOktaError(assert, await api.get('/api/v1/users/00uNoSuchUser00000001/history'), 404, 'E0000007');
});

test('asOf reads return the user exactly as GET returned it then', async () => {
  const u = await api.createUser({ password: STRONG_PASSWORD });
  const v1 = (await api.get(`/api/v1/users/${u.id}`)).body;
  await clockPast(v1.lastUpdated);
  await api.post(`/api/v1/users/${u.id}`, { profile: { title: 'Later' } });
  const v2 = (await api.get(`/api/v1/users/${u.id}`)).body;
  await clockPast(v2.lastUpdated);
  await api.post(`/api/v1/users/${u.id}/lifecycle/suspend`);
  const byTime1 = await api.get(`/api/v1/users/${u.id}?asOf=${v1.lastUpdated}`);
  assert.deepEqual(byTime1.body, v1);
  const byTime2 = await api.get(`/api/v1/users/${u.id}?asOf=${v2.lastUpdated}`);
  assert.deepEqual(byTime2.body, v2);
  const hist = (await api.get(`/api/v1/users/${u.id}/history`)).body;
  const byPosition = await api.get(`/api/v1/users/${u.id}?asOf=${hist[2].position}`);
  assert.deepEqual(byPosition.body, v2);
  assert.equal((await api.get(`/api/v1/users/${u.id}`)).body.status, 'SUSPENDED');
  assertOktaError(assert, await api.get(`/api/v1/users/${u.id}?asOf=2000-01-01T00:00:00.000Z`), 404, 'E0000007');
  assertOktaError(assert, await api.get(`/api/v1/users/${u.id}?asOf=not-a-time`), 400, 'E0000030');
});

test('asOf on a long history starts from snapshots and still answers exactly', async () => {
  const u = await api.createUser();
  const seen = [];
  for (let i = 0; i < 300; i++) {
    const r = await api.post(`/api/v1/users/${u.id}`, { profile: { title: `T${i}` } });
    seen.push(r.body);
  }
  const hist = [];
  let url = `/api/v1/users/${u.id}/history?limit=1000`;
  hist.push(...(await api.get(url)).body);
  // The updates, in order (the welcome e-mail's delivery lands somewhere among them).
  const updates = hist.filter((h) => h.type === 'UserProfileReplaced');
  assert.equal(updates.length, 300);
  for (const i of [0, 200, 254, 255, 256, 299]) {
    const position = updates[i].position;
    const res = await api.get(`/api/v1/users/${u.id}?asOf=${position}`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(res.body, seen[i], `as of update ${i}`);
  }
});

test('refused requests are logged, aggregated per client and minute, never with the token', async () => {
  const { Client } = await import('./harness.mjs');
  const secret = 'bogus-token-that-must-never-be-logged';
  for (let i = 0; i < 5; i++) assert.equal((await new Client(server.base, secret).get('/api/v1/users')).status, 401);
  const user = await api.createUser({ password: STRONG_PASSWORD });
  const minted = await api.post('/api/v1/api-tokens', { name: 'no-admin', userId: user.id });
  for (let i = 0; i < 3; i++) assert.equal((await new Client(server.base, minted.body.token).get('/api/v1/users')).status, 403);

  const blocked = async () => (await logs('filter=' + enc('eventType eq "security.request.blocked"') + '&limit=1000')).body;
  const deadline = Date.now() + 10_000;
  let events = await blocked();
  while (events.length < 2 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 20));
    events = await blocked();
  }
  const auth = events.filter((e) => e.outcome.result === 'FAILURE');
  const denied = events.filter((e) => e.outcome.result === 'DENY');
  assert.equal(auth.length, 1, 'five failures in a minute from one client: one event');
  assert.equal(auth[0].outcome.reason, 'INVALID_TOKEN');
  assert.equal(auth[0].actor.id, 'anonymous');
  assert.equal(auth[0].client.ipAddress, '127.0.0.1');
  assert.equal(denied.length, 1);
  assert.equal(denied[0].outcome.reason, 'PERMISSION_DENIED:User_listUsers');
  assert.equal(denied[0].actor.id, user.id);
  const everything = await logs('limit=1000');
  assert.ok(!everything.text.includes(secret));
  assert.ok(!everything.text.includes(minted.body.token));
});
