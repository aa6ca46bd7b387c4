// Groups end to end (okta-api-notes §4.8): the built-in Everyone group, Okta groups with their
// list queries, memberships both ways, groupIds on user creation, the System Log, a restart and
// replay — over plain HTTP and through the official Okta Node SDK's GroupApi / UserApi.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import okta from '@okta/okta-sdk-nodejs';
import { startServer, assertOktaError, links, BIN } from './harness.mjs';

let server, admin, sdk;
before(async () => {
  server = await startServer();
  admin = server.client();
  sdk = new okta.Client({ orgUrl: server.base, token: server.token });
});
after(async () => { await server?.stop(); });

const causes = (res) => res.body.errorCauses.map((c) => c.errorSummary);
const newGroup = (name, description = null) => admin.post('/api/v1/groups', { profile: { name, description } });

async function logTypes(targetId) {
  const res = await admin.get(`/api/v1/logs?filter=${encodeURIComponent(`target.id eq "${targetId}"`)}&limit=100`);
  assert.equal(res.status, 200, res.text);
  return res.body.map((e) => e.eventType);
}

test('Everyone exists from the start, holds every user, and cannot be changed', async () => {
  const list = await admin.get('/api/v1/groups?filter=' + encodeURIComponent('type eq "BUILT_IN"'));
  assert.equal(list.status, 200, list.text);
  assert.equal(list.body.length, 1);
  const everyone = list.body[0];
  assert.equal(everyone.profile.name, 'Everyone');
  assert.equal(everyone.profile.description, 'All users in your organization');
  assert.deepEqual(everyone.objectClass, ['okta:user_group']);
  assert.match(everyone.id, /^00g[A-Za-z0-9]{17}$/);
  assert.equal(everyone._links.users.href, `${server.base}/api/v1/groups/${everyone.id}/users`);

  const user = await admin.createUser({ activate: false });
  const groups = await admin.get(`/api/v1/users/${user.id}/groups`);
  assert.equal(groups.status, 200, groups.text);
  assert.deepEqual(groups.body.map((g) => g.id), [everyone.id]);

  const stats = await admin.get(`/api/v1/groups/${everyone.id}?expand=stats`);
  const users = await admin.get('/api/v1/users?limit=200');
  assert.ok(stats.body._embedded.stats.usersCount >= users.body.length);
  const members = await admin.get(`/api/v1/groups/${everyone.id}/users?limit=1000`);
  assert.ok(members.body.some((u) => u.id === user.id));

  assertOktaError(assert, await admin.delete(`/api/v1/groups/${everyone.id}`), 403, 'E0000006');
  assertOktaError(assert, await admin.put(`/api/v1/groups/${everyone.id}`, { profile: { name: 'All' } }), 403, 'E0000006');
  assertOktaError(assert, await admin.put(`/api/v1/groups/${everyone.id}/users/${user.id}`), 400, 'E0000060');
  assertOktaError(assert, await admin.delete(`/api/v1/groups/${everyone.id}/users/${user.id}`), 403, 'E0000006');
});

test('Okta groups: create, get, replace, delete, with validation and unique names', async () => {
  const created = await newGroup('Engineering', 'Builders');
  assert.equal(created.status, 200, created.text);
  const g = created.body;
  assert.equal(g.type, 'OKTA_GROUP');
  assert.equal(g.profile.name, 'Engineering');
  assert.match(g.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(g.lastMembershipUpdated, g.created);
  assert.equal((await admin.get(`/api/v1/groups/${g.id}`)).body.profile.description, 'Builders');

  const dup = await newGroup('ENGINEERING');
  assertOktaError(assert, dup, 400, 'E0000001');
  assert.match(causes(dup)[0], /^name: An object with this field already exists/);
  const blank = await admin.post('/api/v1/groups', { profile: { description: 'x' } });
  assertOktaError(assert, blank, 400, 'E0000001');
  assert.deepEqual(causes(blank), ['name: The field cannot be left blank']);
  const long = await newGroup('n'.repeat(256));
  assert.deepEqual(causes(long), ['name: The field cannot exceed 255 characters']);
  assertOktaError(assert, await admin.post('/api/v1/groups', '{"profile":'), 400, 'E0000003');

  // Whole objects sent back: read-only fields are ignored.
  const replaced = await admin.put(`/api/v1/groups/${g.id}`, { ...g, profile: { name: 'Engineering ✓', description: 'Makers' } });
  assert.equal(replaced.status, 200, replaced.text);
  assert.equal(replaced.body.profile.name, 'Engineering ✓');
  assert.equal(replaced.body.created, g.created);

  assert.equal((await admin.delete(`/api/v1/groups/${g.id}`)).status, 204);
  assertOktaError(assert, await admin.get(`/api/v1/groups/${g.id}`), 404, 'E0000007');
  assertOktaError(assert, await admin.delete(`/api/v1/groups/${g.id}`), 404, 'E0000007');
  // Its name is free again.
  assert.equal((await newGroup('Engineering')).status, 200);
  assert.deepEqual(await logTypes(g.id), ['group.lifecycle.create', 'group.profile.update', 'group.lifecycle.delete']);
});

test('memberships: add and remove are idempotent 204s, both directions list, stats count', async () => {
  const g = (await newGroup('Members')).body;
  const other = (await newGroup('Others')).body;
  const a = await admin.createUser({ activate: false });
  const b = await admin.createUser({ activate: false });
  for (const u of [a, b, a]) assert.equal((await admin.put(`/api/v1/groups/${g.id}/users/${u.id}`)).status, 204);
  assert.equal((await admin.put(`/api/v1/groups/${other.id}/users/${a.id}`)).status, 204);

  const members = await admin.get(`/api/v1/groups/${g.id}/users`);
  assert.deepEqual(members.body.map((u) => u.id), [a.id, b.id]);
  const aGroups = await admin.get(`/api/v1/users/${a.id}/groups`);
  assert.deepEqual(aGroups.body.map((x) => x.profile.name), ['Everyone', 'Members', 'Others']);
  const stats = await admin.get(`/api/v1/groups/${g.id}?expand=stats`);
  assert.equal(stats.body._embedded.stats.usersCount, 2);
  assert.ok(stats.body.lastMembershipUpdated > g.lastMembershipUpdated);

  // Paged members.
  const page1 = await admin.get(`/api/v1/groups/${g.id}/users?limit=1`);
  assert.deepEqual(page1.body.map((u) => u.id), [a.id]);
  const next = links(page1).next;
  assert.ok(next);
  const page2 = await admin.get(next.slice(server.base.length));
  assert.deepEqual(page2.body.map((u) => u.id), [b.id]);
  assert.equal(links(page2).next, undefined);

  assert.equal((await admin.delete(`/api/v1/groups/${g.id}/users/${a.id}`)).status, 204);
  assert.equal((await admin.delete(`/api/v1/groups/${g.id}/users/${a.id}`)).status, 204);
  assert.deepEqual((await admin.get(`/api/v1/groups/${g.id}/users`)).body.map((u) => u.id), [b.id]);
  assert.equal((await admin.get(`/api/v1/groups/${g.id}?expand=stats`)).body._embedded.stats.usersCount, 1);

  assertOktaError(assert, await admin.put(`/api/v1/groups/${g.id}/users/00unosuchuser0000000`), 404, 'E0000007');
  assertOktaError(assert, await admin.put(`/api/v1/groups/00gnosuchgroup000000/users/${a.id}`), 404, 'E0000007');
  assert.deepEqual(await logTypes(g.id), ['group.lifecycle.create', 'group.user_membership.add',
    'group.user_membership.add', 'group.user_membership.remove']);
  const added = await admin.get(`/api/v1/logs?filter=${encodeURIComponent(`target.id eq "${g.id}" and eventType eq "group.user_membership.add"`)}`);
  assert.equal(added.body.length, 2);
  assert.equal(added.body[0].target[0].displayName, 'Members');

  // A permanently deleted user leaves its groups (a removal event each).
  await admin.delete(`/api/v1/users/${b.id}`);
  assert.equal((await admin.delete(`/api/v1/users/${b.id}`)).status, 202);
  assert.deepEqual((await admin.get(`/api/v1/groups/${g.id}/users`)).body, []);
  assert.equal((await admin.get(`/api/v1/groups/${g.id}?expand=stats`)).body._embedded.stats.usersCount, 0);
  assert.equal((await logTypes(g.id)).at(-1), 'group.user_membership.remove');

  // A deleted group leaves the user's groups.
  assert.equal((await admin.delete(`/api/v1/groups/${other.id}`)).status, 204);
  assert.deepEqual((await admin.get(`/api/v1/users/${a.id}/groups`)).body.map((x) => x.profile.name), ['Everyone']);
});

test('groupIds on user creation: joined at once; an unknown id creates nothing', async () => {
  const g = (await newGroup('Joined at birth')).body;
  const everyone = (await admin.get('/api/v1/groups?q=Every')).body[0];
  const login = 'born.in.group@example.com';
  const res = await admin.post('/api/v1/users?activate=false', {
    profile: { firstName: 'B', lastName: 'G', email: login, login }, groupIds: [g.id, everyone.id],
  });
  assert.equal(res.status, 200, res.text);
  const names = (await admin.get(`/api/v1/users/${res.body.id}/groups`)).body.map((x) => x.profile.name);
  assert.deepEqual(names, ['Everyone', 'Joined at birth']);

  const refused = await admin.post('/api/v1/users?activate=false', {
    profile: { firstName: 'N', lastName: 'G', email: 'never@example.com', login: 'never@example.com' },
    groupIds: [g.id, '00gnosuchgroup000000'],
  });
  assertOktaError(assert, refused, 404, 'E0000007');
  assert.match(refused.body.errorSummary, /00gnosuchgroup000000 \(UserGroup\)/);
  assertOktaError(assert, await admin.get('/api/v1/users/never@example.com'), 404, 'E0000007');
  assert.deepEqual((await admin.get(`/api/v1/groups/${g.id}/users`)).body.map((u) => u.id), [res.body.id]);
});

test('list: q, filter, search, limit with Link, expand=stats', async () => {
  for (const n of ['Sales EMEA', 'Sales APAC', 'Support']) assert.equal((await newGroup(n)).status, 200);
  const q = await admin.get('/api/v1/groups?q=sales');
  assert.deepEqual(q.body.map((g) => g.profile.name), ['Sales EMEA', 'Sales APAC']);
  const oktaGroups = await admin.get('/api/v1/groups?filter=' + encodeURIComponent('type eq "OKTA_GROUP"'));
  assert.ok(oktaGroups.body.every((g) => g.type === 'OKTA_GROUP'));
  assert.ok(oktaGroups.body.length >= 3);
  const first = q.body[0];
  const since = await admin.get('/api/v1/groups?filter=' + encodeURIComponent(`lastUpdated ge "${first.lastUpdated}" and type eq "OKTA_GROUP"`));
  assert.ok(since.body.some((g) => g.profile.name === 'Support'));
  const searched = await admin.get('/api/v1/groups?search=' + encodeURIComponent('profile.name sw "Sales" and type eq "OKTA_GROUP"'));
  assert.deepEqual(searched.body.map((g) => g.profile.name), ['Sales EMEA', 'Sales APAC']);
  const page = await admin.get('/api/v1/groups?limit=2&expand=stats');
  assert.equal(page.body.length, 2);
  assert.equal(typeof page.body[0]._embedded.stats.usersCount, 'number');
  assert.ok(links(page).next);
  assertOktaError(assert, await admin.get('/api/v1/groups?filter=' + encodeURIComponent('profile.name eq "x"')), 400, 'E0000031');
  assertOktaError(assert, await admin.get('/api/v1/groups?filter=' + encodeURIComponent('lastUpdated gt "yesterday"')), 400, 'E0000030');
});

test('the Okta Node SDK: GroupApi and UserApi.listUserGroups', async () => {
  const group = await sdk.groupApi.createGroup({ group: { profile: { name: 'SDK Group', description: 'via sdk' } } });
  assert.equal(group.profile.name, 'SDK Group');
  const fetched = await sdk.groupApi.getGroup({ groupId: group.id });
  assert.equal(fetched.id, group.id);
  fetched.profile.description = 'changed';
  const replaced = await sdk.groupApi.replaceGroup({ groupId: group.id, group: fetched });
  assert.equal(replaced.profile.description, 'changed');

  const user = await sdk.userApi.createUser({ body: { profile: { firstName: 'S', lastName: 'G', email: 'sdk.group@example.com', login: 'sdk.group@example.com' } }, activate: false });
  await sdk.groupApi.assignUserToGroup({ groupId: group.id, userId: user.id });
  const members = [];
  for await (const u of await sdk.groupApi.listGroupUsers({ groupId: group.id })) members.push(u.id);
  assert.deepEqual(members, [user.id]);
  const userGroups = [];
  for await (const g of await sdk.userApi.listUserGroups({ userId: user.id })) userGroups.push(g.profile.name);
  assert.deepEqual(userGroups, ['Everyone', 'SDK Group']);
  const found = [];
  for await (const g of await sdk.groupApi.listGroups({ q: 'SDK' })) found.push(g.id);
  assert.deepEqual(found, [group.id]);
  await sdk.groupApi.unassignUserFromGroup({ groupId: group.id, userId: user.id });
  await sdk.groupApi.deleteGroup({ groupId: group.id });
  await assert.rejects(sdk.groupApi.getGroup({ groupId: group.id }), (e) => e.status === 404);
});

test('groups and memberships survive a restart and replay to the same read models', async () => {
  const g = (await newGroup('Durable')).body;
  const u = await admin.createUser({ activate: false });
  assert.equal((await admin.put(`/api/v1/groups/${g.id}/users/${u.id}`)).status, 204);
  await server.stop({ keepData: true });
  const out = execFileSync(BIN, ['replay', '--data-dir', server.dir, '--verify'], { encoding: 'utf8' });
  assert.match(out, /every read model matches/);
  server = await startServer({ dataDir: server.dir, token: server.token });
  admin = server.client();
  assert.deepEqual((await admin.get(`/api/v1/users/${u.id}/groups`)).body.map((x) => x.profile.name), ['Everyone', 'Durable']);
  assert.equal((await admin.get(`/api/v1/groups/${g.id}?expand=stats`)).body._embedded.stats.usersCount, 1);
  // Everyone was not made twice.
  assert.equal((await admin.get('/api/v1/groups?filter=' + encodeURIComponent('type eq "BUILT_IN"'))).body.length, 1);
});
