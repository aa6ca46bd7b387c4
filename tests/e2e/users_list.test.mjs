// GET /api/v1/users: listing, pagination with Link headers, q, filter, search.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertOktaError, links } from './harness.mjs';

let server, api;
const made = [];
before(async () => {
  server = await startServer();
  api = server.client();
  const people = [['Ada', 'Lovelace', 'Engineering'], ['Alan', 'Turing', 'Research'], ['Grace', 'Hopper', 'Engineering'],
                  ['Edsger', 'Dijkstra', 'Research'], ['Barbara', 'Liskov', 'Engineering']];
  for (const [firstName, lastName, department] of people) {
    const login = `${firstName}.${lastName}@example.com`.toLowerCase();
    made.push(await api.createUser({ profile: { firstName, lastName, login, email: login, department } }));
  }
  // One deprovisioned user.
  await api.post(`/api/v1/users/${made[3].id}/lifecycle/deactivate`);
});
after(async () => { await server?.stop(); });

async function all(path) {
  const seen = [];
  let url = path;
  for (let i = 0; i < 100 && url; i++) {
    const res = await api.get(url.startsWith('http') ? url.slice(server.base.length) : url);
    assert.equal(res.status, 200, res.text);
    seen.push(...res.body);
    url = links(res).next;
  }
  return seen;
}

test('default listing excludes DEPROVISIONED and carries only the self link per user', async () => {
  const res = await api.get('/api/v1/users');
  assert.equal(res.status, 200);
  const ids = res.body.map((u) => u.id);
  assert.ok(!ids.includes(made[3].id));
  for (const m of [made[0], made[1], made[2], made[4]]) assert.ok(ids.includes(m.id));
  assert.deepEqual(Object.keys(res.body[0]._links), ['self']);
  const l = links(res);
  assert.equal(l.self, `${server.base}/api/v1/users`);
  assert.equal(l.next, undefined);
});

test('pagination: absolute next links with limit and after; next absent on the last page', async () => {
  const first = await api.get('/api/v1/users?limit=2');
  assert.equal(first.body.length, 2);
  const l = links(first);
  assert.match(l.next, new RegExp(`^${server.base}/api/v1/users\\?limit=2&after=`));
  const everyone = await all('/api/v1/users?limit=2');
  const ids = everyone.map((u) => u.id);
  assert.equal(new Set(ids).size, ids.length, 'a user appeared twice');
  assert.equal(ids.length, 5);  // the admin and four non-deprovisioned users
});

test('every user appears exactly once while users are created between pages', async () => {
  const before = (await all('/api/v1/users?limit=200')).map((u) => u.id);
  const seen = [];
  let res = await api.get('/api/v1/users?limit=1');
  for (let i = 0; i < 50; i++) {
    seen.push(...res.body.map((u) => u.id));
    await api.createUser();  // a writer in between
    const next = links(res).next;
    if (!next) break;
    res = await api.get(next.slice(server.base.length));
  }
  assert.equal(new Set(seen).size, seen.length, 'duplicate across pages');
  for (const id of before) assert.ok(seen.includes(id), `${id} missing`);
});

test('q: prefix on first name, last name and email; default limit 10; no DEPROVISIONED', async () => {
  const res = await api.get('/api/v1/users?q=gra');
  assert.deepEqual(res.body.map((u) => u.id), [made[2].id]);
  assert.equal((await api.get('/api/v1/users?q=dijkstra')).body.length, 0);
  assert.equal((await api.get('/api/v1/users?q=LOVE')).body[0].id, made[0].id);
});

test('filter: eq on allowed attributes, includes DEPROVISIONED, and/or, lastUpdated ranges', async () => {
  const dep = await api.get('/api/v1/users?filter=' + encodeURIComponent('status eq "DEPROVISIONED"'));
  assert.deepEqual(dep.body.map((u) => u.id), [made[3].id]);
  const either = await api.get('/api/v1/users?filter=' + encodeURIComponent('profile.lastName eq "Turing" or profile.lastName eq "Hopper"'));
  assert.deepEqual(either.body.map((u) => u.id).sort(), [made[1].id, made[2].id].sort());
  const since = await api.get('/api/v1/users?filter=' + encodeURIComponent(`lastUpdated ge "${made[4].lastUpdated}" and status eq "PROVISIONED"`));
  assert.ok(since.body.some((u) => u.id === made[4].id));
  assertOktaError(assert, await api.get('/api/v1/users?filter=' + encodeURIComponent('profile.department eq "Research"')), 400, 'E0000031');
  assertOktaError(assert, await api.get('/api/v1/users?filter=' + encodeURIComponent('status eq')), 400, 'E0000031');
});

test('search: profile attributes, operators, sortBy and sortOrder, paginated', async () => {
  const eng = await api.get('/api/v1/users?search=' + encodeURIComponent('profile.department eq "engineering"') + '&sortBy=profile.lastName&sortOrder=desc');
  assert.deepEqual(eng.body.map((u) => u.profile.lastName), ['Lovelace', 'Liskov', 'Hopper']);
  const paged = await all('/api/v1/users?search=' + encodeURIComponent('profile.department pr') + '&sortBy=profile.firstName&limit=2');
  assert.deepEqual(paged.map((u) => u.profile.firstName), ['Ada', 'Alan', 'Barbara', 'Edsger', 'Grace']);
  const co = await api.get('/api/v1/users?search=' + encodeURIComponent('profile.email co "hopper" or profile.lastName sw "tur"'));
  assert.equal(co.body.length, 2);
  assertOktaError(assert, await api.get('/api/v1/users?search=' + encodeURIComponent('status ne "ACTIVE"')), 400, 'E0000031');
});

test('filter with search is E0000033; bad limit or cursor is E0000029', async () => {
  assertOktaError(assert, await api.get('/api/v1/users?filter=status%20eq%20%22ACTIVE%22&search=status%20eq%20%22ACTIVE%22'), 400, 'E0000033');
  assertOktaError(assert, await api.get('/api/v1/users?limit=abc'), 400, 'E0000029');
  assertOktaError(assert, await api.get('/api/v1/users?after=garbage'), 400, 'E0000029');
  assert.equal((await api.get('/api/v1/users?limit=100000')).status, 200);
});
