// Linked objects end to end (okta-api-notes §4.9): definitions with Okta's name rules and 409
// E0000127 causes, the scope document's PUT, both sides of GET, DELETE, the effects of deleting
// a user or a definition, a restart with replay --verify — over HTTP and through the official
// Okta Node SDK's LinkedObjectApi and UserApi.

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

const COLLECTION = '/api/v1/meta/schemas/user/linkedObjects';
const definition = (primary, associated) => ({
  primary: { name: primary, title: `${primary} title`, description: `${primary} link`, type: 'USER' },
  associated: { name: associated, title: `${associated} title`, description: `${associated} link`, type: 'USER' },
});
const selfIds = (res) => res.body.map((e) => e._links.self.href.split('/').at(-1));

test('definitions: create 201, get by either name, list, name rules, 409 with Okta causes, delete', async () => {
  const created = await admin.post(COLLECTION, definition('manager', 'subordinate'));
  assert.equal(created.status, 201, created.text);
  assert.equal(created.body.primary.name, 'manager');
  assert.equal(created.body.associated.type, 'USER');
  assert.equal(created.body._links.self.href, `${server.base}${COLLECTION}/manager`);
  for (const name of ['manager', 'subordinate']) {
    const got = await admin.get(`${COLLECTION}/${name}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(got.body._links.self.href, `${server.base}${COLLECTION}/manager`);
  }
  assert.ok((await admin.get(COLLECTION)).body.some((d) => d.primary.name === 'manager'));

  const dup = await admin.post(COLLECTION, definition('manager', 'subordinate'));
  assertOktaError(assert, dup, 409, 'E0000127');
  assert.deepEqual(dup.body.errorCauses, [
    { errorSummary: 'Linked object identifier for primary is already in use.', reason: 'UNIQUE_CONSTRAINT', locationType: 'body', domain: 'linkedObjects' },
    { errorSummary: 'Linked object identifier for associated is already in use.', reason: 'UNIQUE_CONSTRAINT', locationType: 'body', domain: 'linkedObjects' },
  ]);
  const half = await admin.post(COLLECTION, definition('boss', 'manager'));
  assertOktaError(assert, half, 409, 'E0000127');
  assert.equal(half.body.errorCauses.length, 1);
  // Names are case-sensitive: "Manager" is another name.
  assert.equal((await admin.post(COLLECTION, definition('Manager', 'Report'))).status, 201);

  const bad = await admin.post(COLLECTION, definition('1st', 'has-dash'));
  assertOktaError(assert, bad, 400, 'E0000001');
  assert.equal(bad.body.errorCauses.length, 2);
  assertOktaError(assert, await admin.post(COLLECTION, { primary: { name: 'a', title: 'A' } }), 400, 'E0000001');
  assertOktaError(assert, await admin.post(COLLECTION, { ...definition('x1', 'x2'), primary: { name: 'x1', title: 'X', type: 'GROUP' } }), 400, 'E0000001');
  assertOktaError(assert, await admin.post(COLLECTION, definition('same', 'same')), 400, 'E0000001');
  assertOktaError(assert, await admin.get(`${COLLECTION}/nosuch`), 404, 'E0000007');

  assert.equal((await admin.delete(`${COLLECTION}/Report`)).status, 204);
  assertOktaError(assert, await admin.get(`${COLLECTION}/Manager`), 404, 'E0000007');
  assertOktaError(assert, await admin.delete(`${COLLECTION}/Manager`), 404, 'E0000007');
});

test('links: PUT 204 (id, login or me), both sides of GET, replace, DELETE, user deletion', async () => {
  await admin.post(COLLECTION, definition('mentor', 'mentee'));
  const boss = await admin.createUser({ activate: false });
  const boss2 = await admin.createUser({ activate: false });
  const a = await admin.createUser({ activate: false });
  const b = await admin.createUser({ activate: false });

  const put = await admin.put(`/api/v1/users/${a.id}/linkedObjects/mentor/${boss.id}`);
  assert.equal(put.status, 204, put.text);
  assert.equal(put.text, '');
  assert.equal(put.headers.get('content-type'), null);
  assert.equal((await admin.put(`/api/v1/users/${encodeURIComponent(b.profile.login)}/linkedObjects/mentor/${boss.id}`)).status, 204);
  assert.deepEqual(selfIds(await admin.get(`/api/v1/users/${a.id}/linkedObjects/mentor`)), [boss.id]);
  assert.equal((await admin.get(`/api/v1/users/${a.id}/linkedObjects/mentor`)).body[0]._links.self.href, `${server.base}/api/v1/users/${boss.id}`);
  assert.deepEqual(selfIds(await admin.get(`/api/v1/users/${boss.id}/linkedObjects/mentee`)), [a.id, b.id]);
  assert.deepEqual((await admin.get(`/api/v1/users/${boss2.id}/linkedObjects/mentee`)).body, []);
  assert.deepEqual((await admin.get(`/api/v1/users/${boss.id}/linkedObjects/mentor`)).body, []);

  // Paged associated side.
  const page = await admin.get(`/api/v1/users/${boss.id}/linkedObjects/mentee?limit=1`);
  assert.deepEqual(selfIds(page), [a.id]);
  assert.deepEqual(selfIds(await admin.get(links(page).next.slice(server.base.length))), [b.id]);

  // One primary per associated user: a new PUT replaces it.
  assert.equal((await admin.put(`/api/v1/users/${a.id}/linkedObjects/mentor/${boss2.id}`)).status, 204);
  assert.deepEqual(selfIds(await admin.get(`/api/v1/users/${a.id}/linkedObjects/mentor`)), [boss2.id]);
  assert.deepEqual(selfIds(await admin.get(`/api/v1/users/${boss.id}/linkedObjects/mentee`)), [b.id]);
  // A user may be its own primary.
  assert.equal((await admin.put(`/api/v1/users/${boss2.id}/linkedObjects/mentor/${boss2.id}`)).status, 204);

  // Errors: unknown names and users, the associated name in a PUT.
  assertOktaError(assert, await admin.put(`/api/v1/users/${a.id}/linkedObjects/nosuch/${boss.id}`), 404, 'E0000007');
  assertOktaError(assert, await admin.put(`/api/v1/users/${a.id}/linkedObjects/mentor/00unosuchuser0000000`), 404, 'E0000007');
  assertOktaError(assert, await admin.put(`/api/v1/users/00unosuchuser0000000/linkedObjects/mentor/${boss.id}`), 404, 'E0000007');
  assertOktaError(assert, await admin.put(`/api/v1/users/${a.id}/linkedObjects/mentee/${boss.id}`), 400, 'E0000001');
  assertOktaError(assert, await admin.get(`/api/v1/users/${a.id}/linkedObjects/nosuch`), 404, 'E0000007');

  // DELETE: 204 even without a link; 404 for an unknown name.
  assert.equal((await admin.delete(`/api/v1/users/${a.id}/linkedObjects/mentor`)).status, 204);
  assert.equal((await admin.delete(`/api/v1/users/${a.id}/linkedObjects/mentor`)).status, 204);
  assert.deepEqual((await admin.get(`/api/v1/users/${a.id}/linkedObjects/mentor`)).body, []);
  assertOktaError(assert, await admin.delete(`/api/v1/users/${a.id}/linkedObjects/nosuch`), 404, 'E0000007');

  // Deleting a user removes its links on both sides.
  await admin.delete(`/api/v1/users/${boss.id}`);
  assert.equal((await admin.delete(`/api/v1/users/${boss.id}`)).status, 202);
  assert.deepEqual((await admin.get(`/api/v1/users/${b.id}/linkedObjects/mentor`)).body, []);
  const log = await admin.get(`/api/v1/logs?filter=${encodeURIComponent('target.id eq "mentor"')}&limit=100`);
  assert.deepEqual(log.body.map((e) => e.eventType), ['directory.linked_object.create',
    'directory.linked_object.link.add', 'directory.linked_object.link.add', 'directory.linked_object.link.remove',
    'directory.linked_object.link.add', 'directory.linked_object.link.add', 'directory.linked_object.link.remove',
    'directory.linked_object.link.remove']);

  // Deleting a definition removes its links; one created again under the name starts empty.
  assert.equal((await admin.put(`/api/v1/users/${a.id}/linkedObjects/mentor/${boss2.id}`)).status, 204);
  assert.equal((await admin.delete(`${COLLECTION}/mentee`)).status, 204);
  assertOktaError(assert, await admin.get(`/api/v1/users/${a.id}/linkedObjects/mentor`), 404, 'E0000007');
  assert.equal((await admin.post(COLLECTION, definition('mentor', 'mentee'))).status, 201);
  assert.deepEqual((await admin.get(`/api/v1/users/${a.id}/linkedObjects/mentor`)).body, []);
  assert.deepEqual((await admin.get(`/api/v1/users/${boss2.id}/linkedObjects/mentee`)).body, []);
});

test('the Okta Node SDK: LinkedObjectApi and UserApi linked objects', async () => {
  const def = await sdk.linkedObjectApi.createLinkedObjectDefinition({ linkedObject: {
    primary: { name: 'sdkLead', title: 'Lead', description: 'Lead', type: 'USER' },
    associated: { name: 'sdkMember', title: 'Member', description: 'Member', type: 'USER' },
  } });
  assert.equal(def.primary.name, 'sdkLead');
  const got = await sdk.linkedObjectApi.getLinkedObjectDefinition({ linkedObjectName: 'sdkMember' });
  assert.equal(got.primary.name, 'sdkLead');
  const all = [];
  for await (const d of await sdk.linkedObjectApi.listLinkedObjectDefinitions()) all.push(d.primary.name);
  assert.ok(all.includes('sdkLead'));

  const mk = (n) => sdk.userApi.createUser({ body: { profile: { firstName: n, lastName: 'L', email: `${n}@example.com`, login: `${n}@example.com` } }, activate: false });
  const lead = await mk('sdk.lead');
  const member = await mk('sdk.member');
  await sdk.userApi.setLinkedObjectForUser({ associatedUserId: member.id, primaryRelationshipName: 'sdkLead', primaryUserId: lead.id });
  const primary = [];
  for await (const l of await sdk.userApi.listLinkedObjectsForUser({ userId: member.id, relationshipName: 'sdkLead' })) primary.push(l._links.self.href);
  assert.deepEqual(primary, [`${server.base}/api/v1/users/${lead.id}`]);
  const members = [];
  for await (const l of await sdk.userApi.listLinkedObjectsForUser({ userId: lead.id, relationshipName: 'sdkMember' })) members.push(l._links.self.href);
  assert.deepEqual(members, [`${server.base}/api/v1/users/${member.id}`]);
  await sdk.userApi.deleteLinkedObjectForUser({ userId: member.id, relationshipName: 'sdkLead' });
  await sdk.linkedObjectApi.deleteLinkedObjectDefinition({ linkedObjectName: 'sdkLead' });
  await assert.rejects(sdk.linkedObjectApi.getLinkedObjectDefinition({ linkedObjectName: 'sdkLead' }), (e) => e.status === 404);
});

test('links survive a restart and replay --verify', async () => {
  await admin.post(COLLECTION, definition('owner', 'owned'));
  const o = await admin.createUser({ activate: false });
  const x = await admin.createUser({ activate: false });
  await admin.put(`/api/v1/users/${x.id}/linkedObjects/owner/${o.id}`);
  await server.stop({ keepData: true });
  const out = execFileSync(BIN, ['replay', '--data-dir', server.dir, '--verify'], { encoding: 'utf8' });
  assert.match(out, /every read model matches/);
  server = await startServer({ dataDir: server.dir, token: server.token });
  admin = server.client();
  assert.deepEqual(selfIds(await admin.get(`/api/v1/users/${o.id}/linkedObjects/owned`)), [x.id]);
});
