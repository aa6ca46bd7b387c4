// Applications end to end (okta-api-notes §4.8): bookmark and OIDC apps with Okta's validation,
// their lifecycle, user and group assignments, the user's appLinks following every assignment
// and membership change at once, deprovisioning on deactivation, the System Log, a restart —
// over plain HTTP and through the official Okta Node SDK's ApplicationApi and UserApi.

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
const bookmark = (label, url = 'https://intranet.example.com/home') =>
  ({ name: 'bookmark', label, signOnMode: 'BOOKMARK', settings: { app: { url, requestIntegration: false } } });
const oidc = (label, oauthClient = {}, credentials = undefined) => ({
  name: 'oidc_client', label, signOnMode: 'OPENID_CONNECT',
  ...(credentials ? { credentials: { oauthClient: credentials } } : {}),
  settings: { oauthClient: { redirect_uris: ['https://app.example.com/callback'], grant_types: ['authorization_code'],
    response_types: ['code'], application_type: 'web', ...oauthClient } },
});
const appLinks = async (userId) => {
  const res = await admin.get(`/api/v1/users/${userId}/appLinks`);
  assert.equal(res.status, 200, res.text);
  return res.body;
};
async function logTypes(targetId) {
  const res = await admin.get(`/api/v1/logs?filter=${encodeURIComponent(`target.id eq "${targetId}"`)}&limit=100`);
  assert.equal(res.status, 200, res.text);
  return res.body.map((e) => e.eventType);
}

test('bookmark apps: create, get, list, replace, lifecycle, delete only when inactive', async () => {
  const created = await admin.post('/api/v1/apps', bookmark('Intranet'));
  assert.equal(created.status, 200, created.text);
  const app = created.body;
  assert.match(app.id, /^0oa[A-Za-z0-9]{17}$/);
  assert.equal(app.status, 'ACTIVE');
  assert.equal(app.name, 'bookmark');
  assert.equal(app.signOnMode, 'BOOKMARK');
  assert.equal(app.settings.app.url, 'https://intranet.example.com/home');
  assert.deepEqual(app.visibility.appLinks, { login: true });
  assert.equal(app._links.appLinks[0].href, `${server.base}/home/bookmark/${app.id}/login`);
  assert.equal(app._links.users.href, `${server.base}/api/v1/apps/${app.id}/users`);
  assert.equal(app._links.deactivate.href, `${server.base}/api/v1/apps/${app.id}/lifecycle/deactivate`);
  assert.match(app.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  const inactive = await admin.post('/api/v1/apps?activate=false', bookmark('Wiki', 'https://wiki.example.com'));
  assert.equal(inactive.body.status, 'INACTIVE');

  // Validation, Okta's way.
  const noUrl = await admin.post('/api/v1/apps', { name: 'bookmark', label: 'x', settings: { app: {} } });
  assertOktaError(assert, noUrl, 400, 'E0000001');
  assert.deepEqual(causes(noUrl), ['settings.app.url: The field cannot be left blank']);
  const badUrl = await admin.post('/api/v1/apps', bookmark('x', 'javascript:alert(1)'));
  assert.deepEqual(causes(badUrl), ['settings.app.url: The field must be an absolute http or https URL']);
  const noLabel = await admin.post('/api/v1/apps', { ...bookmark(''), label: undefined });
  assert.deepEqual(causes(noLabel), ['label: The field cannot be left blank']);
  assertOktaError(assert, await admin.post('/api/v1/apps', { name: 'template_saml_2_0', label: 'x' }), 400, 'E0000001');
  assertOktaError(assert, await admin.post('/api/v1/apps', '{"name":'), 400, 'E0000003');

  // Whole objects come back on replace: read-only fields are ignored; the name cannot change.
  const replaced = await admin.put(`/api/v1/apps/${app.id}`, { ...app, label: 'Intranet ✓' });
  assert.equal(replaced.status, 200, replaced.text);
  assert.equal(replaced.body.label, 'Intranet ✓');
  assert.equal(replaced.body.created, app.created);
  assertOktaError(assert, await admin.put(`/api/v1/apps/${app.id}`, oidc('x')), 400, 'E0000001');

  const q = await admin.get('/api/v1/apps?q=intra');
  assert.deepEqual(q.body.map((a) => a.id), [app.id]);
  const activeOnly = await admin.get('/api/v1/apps?filter=' + encodeURIComponent('status eq "INACTIVE"'));
  assert.deepEqual(activeOnly.body.map((a) => a.id), [inactive.body.id]);
  assertOktaError(assert, await admin.get('/api/v1/apps?filter=' + encodeURIComponent('label eq "x"')), 400, 'E0000031');
  const page = await admin.get('/api/v1/apps?limit=1');
  assert.equal(page.body.length, 1);
  assert.ok(links(page).next);

  // Delete: only an inactive app.
  assertOktaError(assert, await admin.delete(`/api/v1/apps/${app.id}`), 403, 'E0000056');
  const deact = await admin.post(`/api/v1/apps/${app.id}/lifecycle/deactivate`);
  assert.equal(deact.status, 200);
  assert.equal((await admin.get(`/api/v1/apps/${app.id}`)).body.status, 'INACTIVE');
  assert.equal((await admin.delete(`/api/v1/apps/${app.id}`)).status, 204);
  assertOktaError(assert, await admin.get(`/api/v1/apps/${app.id}`), 404, 'E0000007');
  assert.match((await admin.get(`/api/v1/apps/${app.id}`)).body.errorSummary, /\(AppInstance\)/);
  assert.deepEqual(await logTypes(app.id), ['application.lifecycle.create', 'application.lifecycle.update',
    'application.lifecycle.deactivate', 'application.lifecycle.delete']);
});

test('OIDC apps: client credentials shown once, Okta\'s OAuth rules enforced', async () => {
  const created = await admin.post('/api/v1/apps', oidc('Portal'));
  assert.equal(created.status, 200, created.text);
  const app = created.body;
  assert.equal(app.credentials.oauthClient.client_id, app.id);
  assert.equal(app.credentials.oauthClient.token_endpoint_auth_method, 'client_secret_basic');
  assert.match(app.credentials.oauthClient.client_secret, /^[A-Za-z0-9]{40}$/);
  assert.deepEqual(app.settings.oauthClient.grant_types, ['authorization_code']);
  assert.equal(app.settings.oauthClient.application_type, 'web');
  assert.deepEqual(app.visibility.appLinks, { oidc_client_link: true });
  // Never again: not on GET, not in the System Log, not in the list.
  const again = await admin.get(`/api/v1/apps/${app.id}`);
  assert.equal(again.body.credentials.oauthClient.client_secret, undefined);
  assert.equal(again.body.credentials.oauthClient.client_secret_digest, undefined);
  const log = await admin.get(`/api/v1/logs?filter=${encodeURIComponent(`target.id eq "${app.id}"`)}`);
  assert.ok(!JSON.stringify(log.body).includes(app.credentials.oauthClient.client_secret));
  // Replacing keeps the secret (none shown); asking for a new one shows it once.
  const same = await admin.put(`/api/v1/apps/${app.id}`, { ...again.body, label: 'Portal 2' });
  assert.equal(same.status, 200, same.text);
  assert.equal(same.body.credentials.oauthClient.client_secret, undefined);

  const spa = await admin.post('/api/v1/apps', oidc('SPA', { application_type: 'browser' }));
  assert.equal(spa.status, 200, spa.text);
  assert.equal(spa.body.credentials.oauthClient.token_endpoint_auth_method, 'none');
  assert.equal(spa.body.credentials.oauthClient.client_secret, undefined);
  const service = await admin.post('/api/v1/apps', oidc('Daemon', { application_type: 'service',
    grant_types: ['client_credentials'], response_types: ['token'], redirect_uris: [] }));
  assert.equal(service.status, 200, service.text);

  const refuse = async (body, expected) => {
    const res = await admin.post('/api/v1/apps', body);
    assertOktaError(assert, res, 400, 'E0000001');
    assert.ok(causes(res).some((c) => c.startsWith(expected)), `${causes(res)} lacks ${expected}`);
  };
  await refuse(oidc('x', { redirect_uris: [] }), 'settings.oauthClient.redirect_uris: At least one redirect URI');
  await refuse(oidc('x', { redirect_uris: ['not a uri'] }), "settings.oauthClient.redirect_uris: 'not a uri'");
  await refuse(oidc('x', { redirect_uris: ['https://a.example.com/cb#frag'] }), 'settings.oauthClient.redirect_uris:');
  await refuse(oidc('x', { grant_types: ['magic'] }), 'settings.oauthClient.grant_types: Unsupported grant type: magic');
  await refuse(oidc('x', { response_types: ['token'] }), "settings.oauthClient.response_types: 'authorization_code' requires");
  await refuse(oidc('x', { grant_types: ['implicit'], response_types: ['code'] }), "settings.oauthClient.response_types: 'implicit' requires");
  await refuse(oidc('x', { application_type: 'browser', grant_types: ['client_credentials'] }), 'settings.oauthClient.grant_types:');
  await refuse(oidc('x', { application_type: 'browser' }, { token_endpoint_auth_method: 'client_secret_basic' }),
    'credentials.oauthClient.token_endpoint_auth_method: A browser application');
  await refuse(oidc('x', { application_type: 'service', grant_types: ['authorization_code'] }), 'settings.oauthClient.grant_types: A service application');
  await refuse(oidc('x', { grant_types: ['refresh_token', 'client_credentials'], response_types: ['code'] }), "settings.oauthClient.grant_types: 'refresh_token' requires");
  await refuse(oidc('x', { application_type: 'desktop' }), 'settings.oauthClient.application_type:');
  await refuse(oidc('x', {}, { token_endpoint_auth_method: 'private_key_jwt' }), 'settings.oauthClient.jwks:');
  await refuse(oidc('x', {}, { client_secret: 'short' }), 'credentials.oauthClient.client_secret:');
  await refuse({ name: 'oidc_client', label: 'x' }, 'settings.oauthClient: The field is required');
});

test('assignments: users directly and through groups; appLinks follow at once', async () => {
  const app = (await admin.post('/api/v1/apps', bookmark('Payroll', 'https://payroll.example.com'))).body;
  const other = (await admin.post('/api/v1/apps', oidc('Chat'))).body;
  const direct = await admin.createUser({ activate: true });
  const viaGroup = await admin.createUser({ activate: true });
  const group = (await admin.post('/api/v1/groups', { profile: { name: 'Payroll users' } })).body;
  assert.deepEqual(await appLinks(direct.id), []);

  // Direct assignment (scope USER): 200 AppUser, idempotent.
  const assigned = await admin.post(`/api/v1/apps/${app.id}/users`, { id: direct.id, scope: 'USER' });
  assert.equal(assigned.status, 200, assigned.text);
  assert.equal(assigned.body.id, direct.id);
  assert.equal(assigned.body.scope, 'USER');
  assert.equal(assigned.body.credentials.userName, direct.profile.login);
  assert.equal(assigned.body._links.app.href, `${server.base}/api/v1/apps/${app.id}`);
  const twice = await admin.post(`/api/v1/apps/${app.id}/users`, { id: direct.id });
  assert.equal(twice.body.created, assigned.body.created);
  let l = await appLinks(direct.id);
  assert.equal(l.length, 1);
  assert.deepEqual(Object.keys(l[0]).sort(), ['appAssignmentId', 'appInstanceId', 'appName', 'credentialsSetup',
    'hidden', 'id', 'label', 'linkUrl', 'logoUrl', 'sortOrder']);
  assert.equal(l[0].label, 'Payroll');
  assert.equal(l[0].appInstanceId, app.id);
  assert.equal(l[0].linkUrl, `${server.base}/home/bookmark/${app.id}/login`);
  assert.match(l[0].appAssignmentId, /^0ua[A-Za-z0-9]{17}$/);
  assert.equal(l[0].sortOrder, 0);

  // Through a group: the link appears the moment the membership or the assignment changes.
  const ga = await admin.put(`/api/v1/apps/${other.id}/groups/${group.id}`, { priority: 3 });
  assert.equal(ga.status, 200, ga.text);
  assert.equal(ga.body.id, group.id);
  assert.equal(ga.body.priority, 3);
  assert.deepEqual(await appLinks(viaGroup.id), []);
  assert.equal((await admin.put(`/api/v1/groups/${group.id}/users/${viaGroup.id}`)).status, 204);
  l = await appLinks(viaGroup.id);
  assert.deepEqual(l.map((x) => [x.appInstanceId, x.appName]), [[other.id, 'oidc_client']]);
  const viaGet = await admin.get(`/api/v1/apps/${other.id}/users/${viaGroup.id}`);
  assert.equal(viaGet.status, 200, viaGet.text);
  assert.equal(viaGet.body.scope, 'GROUP');
  assert.equal(viaGet.body._links.group.href, `${server.base}/api/v1/groups/${group.id}`);
  assert.equal((await admin.delete(`/api/v1/groups/${group.id}/users/${viaGroup.id}`)).status, 204);
  assert.deepEqual(await appLinks(viaGroup.id), []);
  assert.equal((await admin.put(`/api/v1/groups/${group.id}/users/${viaGroup.id}`)).status, 204);
  assert.equal((await appLinks(viaGroup.id)).length, 1);
  assert.equal((await admin.delete(`/api/v1/apps/${other.id}/groups/${group.id}`)).status, 204);
  assert.deepEqual(await appLinks(viaGroup.id), []);
  assertOktaError(assert, await admin.get(`/api/v1/apps/${other.id}/groups/${group.id}`), 404, 'E0000007');
  assertOktaError(assert, await admin.get(`/api/v1/apps/${other.id}/users/${viaGroup.id}`), 404, 'E0000007');

  // Assigned to Everyone: every user has it.
  const everyone = (await admin.get('/api/v1/groups?q=Everyone')).body[0];
  assert.equal((await admin.put(`/api/v1/apps/${other.id}/groups/${everyone.id}`)).status, 200);
  const fresh = await admin.createUser({ activate: false });
  assert.deepEqual((await appLinks(fresh.id)).map((x) => x.appInstanceId), [other.id]);
  assert.deepEqual((await appLinks(direct.id)).map((x) => x.appInstanceId), [app.id, other.id]);
  assert.deepEqual((await appLinks(direct.id)).map((x) => x.sortOrder), [0, 1]);

  // An inactive app shows no links; active again, it does.
  await admin.post(`/api/v1/apps/${app.id}/lifecycle/deactivate`);
  assert.deepEqual((await appLinks(direct.id)).map((x) => x.appInstanceId), [other.id]);
  await admin.post(`/api/v1/apps/${app.id}/lifecycle/activate`);

  // The app's users: direct first, then through its groups, each once, paged.
  assert.equal((await admin.post(`/api/v1/apps/${other.id}/users`, { id: direct.id })).status, 200);
  const all = [];
  let next = `/api/v1/apps/${other.id}/users?limit=2`;
  while (next) {
    const page = await admin.get(next);
    assert.equal(page.status, 200, page.text);
    all.push(...page.body.map((u) => [u.id, u.scope]));
    next = links(page).next?.slice(server.base.length);
  }
  assert.deepEqual(all[0], [direct.id, 'USER']);
  assert.equal(new Set(all.map(([id]) => id)).size, all.length);
  assert.ok(all.some(([id, scope]) => id === fresh.id && scope === 'GROUP'));
  assert.ok(all.filter(([id]) => id === direct.id).length === 1);
  const groups = await admin.get(`/api/v1/apps/${other.id}/groups`);
  assert.deepEqual(groups.body.map((g) => g.id), [everyone.id]);

  // Errors.
  assertOktaError(assert, await admin.post(`/api/v1/apps/${app.id}/users`, { id: '00unosuchuser0000000' }), 404, 'E0000007');
  assertOktaError(assert, await admin.post('/api/v1/apps/0oanosuchapp00000000/users', { id: direct.id }), 404, 'E0000007');
  assertOktaError(assert, await admin.put(`/api/v1/apps/${app.id}/groups/00gnosuchgroup000000`), 404, 'E0000007');
  const withProfile = await admin.post(`/api/v1/apps/${app.id}/users`, { id: direct.id, profile: { role: 'x' } });
  assertOktaError(assert, withProfile, 400, 'E0000001');
  assertOktaError(assert, await admin.put(`/api/v1/apps/${app.id}/groups/${group.id}`, { priority: -1 }), 400, 'E0000001');

  // Unassigning: 204, idempotent; the link goes at once.
  assert.equal((await admin.delete(`/api/v1/apps/${app.id}/users/${direct.id}`)).status, 204);
  assert.equal((await admin.delete(`/api/v1/apps/${app.id}/users/${direct.id}`)).status, 204);
  assert.deepEqual((await appLinks(direct.id)).map((x) => x.appInstanceId), [other.id]);
  assertOktaError(assert, await admin.get(`/api/v1/apps/${app.id}/users/${direct.id}`), 404, 'E0000007');
  assert.deepEqual((await logTypes(app.id)).filter((t) => t.startsWith('application.user')), [
    'application.user_membership.add', 'application.user_membership.remove']);
  assert.equal((await admin.delete(`/api/v1/apps/${other.id}/groups/${everyone.id}`)).status, 204);
});

test('deactivating a user removes its direct assignments (events); memberships stay', async () => {
  const app = (await admin.post('/api/v1/apps', bookmark('Deprovisioned from', 'https://d.example.com'))).body;
  const group = (await admin.post('/api/v1/groups', { profile: { name: 'Stays' } })).body;
  const user = await admin.createUser({ activate: true });
  await admin.post(`/api/v1/apps/${app.id}/users`, { id: user.id });
  await admin.put(`/api/v1/groups/${group.id}/users/${user.id}`);
  assert.equal((await appLinks(user.id)).length, 1);

  const res = await admin.post(`/api/v1/users/${user.id}/lifecycle/deactivate`);
  assert.equal(res.status, 200, res.text);
  assertOktaError(assert, await admin.get(`/api/v1/apps/${app.id}/users/${user.id}`), 404, 'E0000007');
  assert.deepEqual(await appLinks(user.id), []);
  assert.deepEqual((await admin.get(`/api/v1/users/${user.id}/groups`)).body.map((g) => g.profile.name), ['Everyone', 'Stays']);
  const removed = await admin.get(`/api/v1/logs?filter=${encodeURIComponent(`target.id eq "${app.id}" and eventType eq "application.user_membership.remove"`)}`);
  assert.equal(removed.body.length, 1);
  assert.equal(removed.body[0].actor.id, 'system');
});

test('the Okta Node SDK: ApplicationApi and UserApi.listAppLinks', async () => {
  const app = await sdk.applicationApi.createApplication({ application: {
    name: 'bookmark', label: 'SDK Bookmark', signOnMode: 'BOOKMARK',
    settings: { app: { requestIntegration: false, url: 'https://sdk.example.com/bookmark' } },
  } });
  assert.equal(app.label, 'SDK Bookmark');
  const fetched = await sdk.applicationApi.getApplication({ appId: app.id });
  assert.equal(fetched.id, app.id);
  assert.equal(fetched.signOnMode, 'BOOKMARK');
  fetched.label = 'SDK Bookmark 2';
  const replaced = await sdk.applicationApi.replaceApplication({ appId: app.id, application: fetched });
  assert.equal(replaced.label, 'SDK Bookmark 2');
  const found = [];
  for await (const a of await sdk.applicationApi.listApplications({ q: 'SDK Book' })) found.push(a.id);
  assert.deepEqual(found, [app.id]);

  const client = await sdk.applicationApi.createApplication({ application: {
    name: 'oidc_client', label: 'SDK OIDC', signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'client_secret_post' } },
    settings: { oauthClient: { client_uri: 'https://sdk.example.com', redirect_uris: ['https://sdk.example.com/cb'],
      response_types: ['code'], grant_types: ['authorization_code', 'refresh_token'], application_type: 'web' } },
  } });
  assert.equal(client.credentials.oauthClient.client_id, client.id);
  assert.ok(client.credentials.oauthClient.client_secret);

  const user = await sdk.userApi.createUser({ body: { profile: { firstName: 'S', lastName: 'A', email: 'sdk.apps@example.com', login: 'sdk.apps@example.com' } } });
  const appUser = await sdk.applicationApi.assignUserToApplication({ appId: app.id, appUser: { id: user.id } });
  assert.equal(appUser.id, user.id);
  assert.equal(appUser.scope, 'USER');
  const gotUser = await sdk.applicationApi.getApplicationUser({ appId: app.id, userId: user.id });
  assert.equal(gotUser.credentials.userName, 'sdk.apps@example.com');
  const updated = await sdk.applicationApi.updateApplicationUser({ appId: app.id, userId: user.id, appUser: gotUser });
  assert.equal(updated.id, user.id);
  const appUsers = [];
  for await (const u of await sdk.applicationApi.listApplicationUsers({ appId: app.id })) appUsers.push(u.id);
  assert.deepEqual(appUsers, [user.id]);

  const group = await sdk.groupApi.createGroup({ group: { profile: { name: 'SDK app group' } } });
  const assignment = await sdk.applicationApi.assignGroupToApplication({ appId: client.id, groupId: group.id, applicationGroupAssignment: { priority: 1 } });
  assert.equal(assignment.id, group.id);
  const gotAssignment = await sdk.applicationApi.getApplicationGroupAssignment({ appId: client.id, groupId: group.id });
  assert.equal(gotAssignment.priority, 1);
  const assignments = [];
  for await (const g of await sdk.applicationApi.listApplicationGroupAssignments({ appId: client.id })) assignments.push(g.id);
  assert.deepEqual(assignments, [group.id]);
  await sdk.groupApi.assignUserToGroup({ groupId: group.id, userId: user.id });

  const appLinksSdk = [];
  for await (const l of await sdk.userApi.listAppLinks({ userId: user.id })) appLinksSdk.push(l.label);
  assert.deepEqual(appLinksSdk, ['SDK Bookmark 2', 'SDK OIDC']);

  await sdk.applicationApi.unassignApplicationFromGroup({ appId: client.id, groupId: group.id });
  await sdk.applicationApi.unassignUserFromApplication({ appId: app.id, userId: user.id });
  const none = [];
  for await (const l of await sdk.userApi.listAppLinks({ userId: user.id })) none.push(l);
  assert.deepEqual(none, []);
  await sdk.applicationApi.deactivateApplication({ appId: app.id });
  await sdk.applicationApi.activateApplication({ appId: app.id });
  await sdk.applicationApi.deactivateApplication({ appId: app.id });
  await sdk.applicationApi.deleteApplication({ appId: app.id });
  await assert.rejects(sdk.applicationApi.getApplication({ appId: app.id }), (e) => e.status === 404);
});

test('apps and assignments survive a restart (replayed read models)', async () => {
  const app = (await admin.post('/api/v1/apps', bookmark('Durable', 'https://durable.example.com'))).body;
  const user = await admin.createUser({ activate: true });
  await admin.post(`/api/v1/apps/${app.id}/users`, { id: user.id });
  const before = await appLinks(user.id);
  await server.stop({ keepData: true });
  const out = execFileSync(BIN, ['replay', '--data-dir', server.dir, '--verify'], { encoding: 'utf8' });
  assert.match(out, /every read model matches/);
  server = await startServer({ dataDir: server.dir, token: server.token });
  admin = server.client();
  const afterLinks = await appLinks(user.id);
  assert.deepEqual(afterLinks.map((l) => [l.appInstanceId, l.appAssignmentId]), before.map((l) => [l.appInstanceId, l.appAssignmentId]));
  assert.equal((await admin.get(`/api/v1/apps/${app.id}`)).body.label, 'Durable');
});
