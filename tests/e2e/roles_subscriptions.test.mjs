// Admin roles, authorization, notification subscriptions and the notifications they send
// (okta-api-notes §4.10, §5) end to end: user and group role assignments and what they permit,
// custom roles, the last super administrator, role and user subscriptions with their override
// rule, the USER_DEPROVISION e-mail at exactly the subscribed admins (once, across a restart) —
// over plain HTTP and through the official Okta Node SDK's RoleAssignmentApi, CustomRoleApi and
// SubscriptionApi.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import okta from '@okta/okta-sdk-nodejs';
import { startServer, assertOktaError, eventually, STRONG_PASSWORD, BIN } from './harness.mjs';

let server, admin, sdk;
before(async () => {
  server = await startServer();
  admin = server.client();
  sdk = new okta.Client({ orgUrl: server.base, token: server.token });
});
after(async () => { await server?.stop(); });

let serial = 0;
async function person(prefix = 'person') {
  const login = `${prefix}${++serial}-${Date.now()}@example.com`;
  const res = await admin.post('/api/v1/users?activate=true', {
    profile: { firstName: prefix, lastName: String(serial), email: login, login },
    credentials: { password: { value: STRONG_PASSWORD } },
  });
  assert.equal(res.status, 200, res.text);
  const token = await admin.post('/api/v1/api-tokens', { name: `${prefix}-token`, userId: res.body.id });
  assert.equal(token.status, 200, token.text);
  return { id: res.body.id, login, api: server.client(token.body.token), token: token.body.token };
}
const assign = (uid, body) => admin.post(`/api/v1/users/${uid}/roles`, body);

function mailsAbout(address, subject) {
  const dir = join(server.dir, 'mail');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.eml'))
    .map((f) => readFileSync(join(dir, f), 'utf8'))
    .filter((m) => m.includes(`To: <${address}>`) && m.includes('X-Idledger-Template: admin-notification') &&
                   m.includes(subject));
}

test('a user role assignment: Okta shape, 409 on a duplicate, 400 on an unknown type, and it permits at once', async () => {
  const u = await person('helpdesk');
  assertOktaError(assert, await u.api.get('/api/v1/users'), 403, 'E0000006');
  assert.equal((await u.api.get('/api/v1/users/me')).status, 200, 'self-service needs no role');

  const res = await assign(u.id, { type: 'USER_ADMIN' });
  assert.equal(res.status, 201, res.text);
  assert.match(res.body.id, /^ra1[A-Za-z0-9]{17}$/);
  assert.equal(res.body.label, 'Group Administrator');
  assert.equal(res.body.type, 'USER_ADMIN');
  assert.equal(res.body.status, 'ACTIVE');
  assert.equal(res.body.assignmentType, 'USER');
  assert.equal(res.body._links.assignee.href, `${server.base}/api/v1/users/${u.id}`);
  assertOktaError(assert, await assign(u.id, { type: 'USER_ADMIN' }), 409, 'E0000090');
  assertOktaError(assert, await assign(u.id, { type: 'NOT_A_ROLE' }), 400, 'E0000003');
  assertOktaError(assert, await assign(u.id, {}), 400, 'E0000003');

  // The cached principal follows the grant: users now, but not apps or roles.
  assert.equal((await u.api.get('/api/v1/users?limit=1')).status, 200);
  assertOktaError(assert, await u.api.get('/api/v1/apps'), 403, 'E0000006');
  assertOktaError(assert, await u.api.post(`/api/v1/users/${u.id}/roles`, { type: 'SUPER_ADMIN' }), 403, 'E0000006');

  const list = await admin.get(`/api/v1/users/${u.id}/roles`);
  assert.deepEqual(list.body.map((r) => [r.type, r.assignmentType]), [['USER_ADMIN', 'USER']]);
  const one = await admin.get(`/api/v1/users/${u.id}/roles/${res.body.id}`);
  assert.equal(one.status, 200);
  assert.deepEqual(one.body, list.body[0]);
  assert.equal((await admin.delete(`/api/v1/users/${u.id}/roles/${res.body.id}`)).status, 204);
  assertOktaError(assert, await admin.delete(`/api/v1/users/${u.id}/roles/${res.body.id}`), 404, 'E0000007');
  assertOktaError(assert, await u.api.get('/api/v1/users'), 403, 'E0000006');

  const logs = await admin.get(`/api/v1/logs?filter=${encodeURIComponent(`target.id eq "${u.id}"`)}&limit=100`);
  const types = logs.body.map((e) => e.eventType);
  assert.ok(types.includes('user.account.privilege.grant'), types.join());
  assert.ok(types.includes('user.account.privilege.revoke'), types.join());
});

test('a group role is held by its members while they are members; Everyone holds none', async () => {
  const u = await person('member');
  const target = await person('target');
  const g = await admin.post('/api/v1/groups', { profile: { name: `helpdesk-${Date.now()}` } });
  const granted = await admin.post(`/api/v1/groups/${g.body.id}/roles`, { type: 'HELP_DESK_ADMIN' });
  assert.equal(granted.status, 201, granted.text);
  assert.equal(granted.body.assignmentType, 'GROUP');
  assert.equal(granted.body._links.assignee.href, `${server.base}/api/v1/groups/${g.body.id}`);
  assertOktaError(assert, await admin.post(`/api/v1/groups/${g.body.id}/roles`, { type: 'HELP_DESK_ADMIN' }), 409, 'E0000090');

  assertOktaError(assert, await u.api.post(`/api/v1/users/${target.id}/lifecycle/unlock`), 403, 'E0000006');
  assert.equal((await admin.put(`/api/v1/groups/${g.body.id}/users/${u.id}`)).status, 204);
  // A help-desk admin may unlock: the user is not locked, so Okta's own refusal, not E0000006.
  assertOktaError(assert, await u.api.post(`/api/v1/users/${target.id}/lifecycle/unlock`), 403, 'E0000032');
  assertOktaError(assert, await u.api.post(`/api/v1/users/${target.id}/lifecycle/suspend`), 403, 'E0000006');
  const roles = await admin.get(`/api/v1/users/${u.id}/roles`);
  assert.deepEqual(roles.body.map((r) => [r.type, r.assignmentType, r.id]), [['HELP_DESK_ADMIN', 'GROUP', granted.body.id]]);

  assert.equal((await admin.delete(`/api/v1/groups/${g.body.id}/users/${u.id}`)).status, 204);
  assertOktaError(assert, await u.api.post(`/api/v1/users/${target.id}/lifecycle/unlock`), 403, 'E0000006');

  const everyone = (await admin.get('/api/v1/groups?filter=' + encodeURIComponent('type eq "BUILT_IN"'))).body[0];
  assertOktaError(assert, await admin.post(`/api/v1/groups/${everyone.id}/roles`, { type: 'READ_ONLY_ADMIN' }), 403, 'E0000006');
  assert.equal((await admin.delete(`/api/v1/groups/${g.body.id}/roles/${granted.body.id}`)).status, 204);
  assert.deepEqual((await admin.get(`/api/v1/groups/${g.body.id}/roles`)).body, []);

  // Deleting a group that holds a role takes the role from its members at once.
  const readers = await admin.post('/api/v1/groups', { profile: { name: `readers-${Date.now()}` } });
  assert.equal((await admin.post(`/api/v1/groups/${readers.body.id}/roles`, { type: 'READ_ONLY_ADMIN' })).status, 201);
  assert.equal((await admin.put(`/api/v1/groups/${readers.body.id}/users/${u.id}`)).status, 204);
  assert.equal((await u.api.get('/api/v1/apps')).status, 200);
  assert.equal((await admin.delete(`/api/v1/groups/${readers.body.id}`)).status, 204);
  assertOktaError(assert, await u.api.get('/api/v1/apps'), 403, 'E0000006');
});

test('custom roles grant exactly their permissions and cannot be deleted while assigned', async () => {
  const bad = await admin.post('/api/v1/iam/roles', { label: 'x', description: 'y', permissions: ['okta.nothing.here'] });
  assertOktaError(assert, bad, 400, 'E0000001');
  assertOktaError(assert, await admin.post('/api/v1/iam/roles', { label: 'only label' }), 400, 'E0000001');
  const label = `Readers-${Date.now()}`;
  const role = await admin.post('/api/v1/iam/roles', { label, description: 'Read users', permissions: ['okta.users.read'] });
  assert.equal(role.status, 200, role.text);
  assert.match(role.body.id, /^cr0[A-Za-z0-9]{17}$/);
  assert.equal(role.body._links.permissions.href, `${server.base}/api/v1/iam/roles/${role.body.id}/permissions`);
  assertOktaError(assert, await admin.post('/api/v1/iam/roles', { label, description: 'again', permissions: ['okta.users.read'] }), 400, 'E0000001');
  assert.equal((await admin.get(`/api/v1/iam/roles/${encodeURIComponent(label)}`)).body.id, role.body.id);
  const perms = await admin.get(`/api/v1/iam/roles/${role.body.id}/permissions`);
  assert.deepEqual(perms.body.permissions.map((p) => p.label), ['okta.users.read']);

  const u = await person('custom');
  assertOktaError(assert, await assign(u.id, { type: 'CUSTOM', role: 'cr0nosuchrole0000000' }), 404, 'E0000007');
  const a = await assign(u.id, { type: 'CUSTOM', role: role.body.id, 'resource-set': 'iamNoSuchSet' });
  assert.equal(a.status, 201, a.text);
  assert.equal(a.body.label, label);
  assert.equal(a.body.role, role.body.id);
  assert.equal((await u.api.get('/api/v1/users?limit=1')).status, 200);
  assertOktaError(assert, await u.api.post('/api/v1/users', { profile: {} }), 403, 'E0000006');

  // Adding a permission takes effect at once for its holders.
  assert.equal((await admin.post(`/api/v1/iam/roles/${role.body.id}/permissions/okta.users.create`)).status, 204);
  assertOktaError(assert, await u.api.post('/api/v1/users', { profile: {} }), 400, 'E0000001');

  assertOktaError(assert, await admin.delete(`/api/v1/iam/roles/${role.body.id}`), 400, 'E0000001');
  assert.equal((await admin.delete(`/api/v1/users/${u.id}/roles/${a.body.id}`)).status, 204);
  assert.equal((await admin.delete(`/api/v1/iam/roles/${role.body.id}`)).status, 204);
  assertOktaError(assert, await admin.get(`/api/v1/iam/roles/${role.body.id}`), 404, 'E0000007');
  const all = await admin.get('/api/v1/iam/roles');
  assert.ok(Array.isArray(all.body.roles) && !all.body.roles.some((r) => r.id === role.body.id));
});

test('the last acting super administrator keeps SUPER_ADMIN', async () => {
  const me = (await admin.get('/api/v1/users/me')).body;
  const mine = (await admin.get(`/api/v1/users/${me.id}/roles`)).body.find((r) => r.type === 'SUPER_ADMIN');
  assertOktaError(assert, await admin.delete(`/api/v1/users/${me.id}/roles/${mine.id}`), 403, 'E0000006');
  const other = await person('super');
  const granted = await assign(other.id, { type: 'SUPER_ADMIN' });
  assert.equal(granted.status, 201);
  assert.equal((await other.api.delete(`/api/v1/users/${me.id}/roles/${mine.id}`)).status, 204);
  // Now `other` is the last one: it cannot drop the role, and the bootstrap admin's token no
  // longer administers.
  assertOktaError(assert, await other.api.delete(`/api/v1/users/${other.id}/roles/${granted.body.id}`), 403, 'E0000006');
  assertOktaError(assert, await admin.get('/api/v1/users'), 403, 'E0000006');
  assert.equal((await other.api.post(`/api/v1/users/${me.id}/roles`, { type: 'SUPER_ADMIN' })).status, 201);
  assert.equal((await admin.get('/api/v1/users?limit=1')).status, 200);
});

test('role subscriptions: the types a role is offered, subscribe/unsubscribe links, Okta errors', async () => {
  const all = await admin.get('/api/v1/roles/SUPER_ADMIN/subscriptions');
  assert.equal(all.status, 200, all.text);
  assert.equal(all.body.length, 14);
  const deprov = all.body.find((s) => s.notificationType === 'USER_DEPROVISION');
  assert.deepEqual(deprov.channels, ['email']);
  assert.ok(['subscribed', 'unsubscribed'].includes(deprov.status));
  const helpdesk = (await admin.get('/api/v1/roles/HELP_DESK_ADMIN/subscriptions')).body.map((s) => s.notificationType);
  assert.ok(helpdesk.includes('USER_DEPROVISION') && !helpdesk.includes('APP_IMPORT'), helpdesk.join());
  assertOktaError(assert, await admin.get('/api/v1/roles/HELP_DESK_ADMIN/subscriptions/APP_IMPORT'), 404, 'E0000007');
  assertOktaError(assert, await admin.get('/api/v1/roles/NO_SUCH_ROLE/subscriptions'), 404, 'E0000007');
  assertOktaError(assert, await admin.get('/api/v1/roles/SUPER_ADMIN/subscriptions/NO_SUCH_TYPE'), 404, 'E0000007');

  const base = `${server.base}/api/v1/roles/REPORT_ADMIN/subscriptions/OKTA_UPDATE`;
  const off = await admin.post('/api/v1/roles/REPORT_ADMIN/subscriptions/OKTA_UPDATE/unsubscribe');
  assert.equal(off.status, 200, off.text);
  assert.equal(off.text, '');
  let s = (await admin.get('/api/v1/roles/REPORT_ADMIN/subscriptions/OKTA_UPDATE')).body;
  assert.equal(s.status, 'unsubscribed');
  assert.deepEqual(s._links.subscribe, { href: `${base}/subscribe`, hints: { allow: ['POST'] } });
  assert.equal(s._links.unsubscribe, undefined);
  assert.equal(s._links.self.href, base);
  for (let i = 0; i < 2; i++)  // idempotent
    assert.equal((await admin.post('/api/v1/roles/REPORT_ADMIN/subscriptions/OKTA_UPDATE/subscribe')).status, 200);
  s = (await admin.get('/api/v1/roles/REPORT_ADMIN/subscriptions/OKTA_UPDATE')).body;
  assert.equal(s.status, 'subscribed');
  assert.equal(s._links.unsubscribe.href, `${base}/unsubscribe`);

  const u = await person('nosubs');
  assertOktaError(assert, await u.api.get('/api/v1/roles/SUPER_ADMIN/subscriptions'), 403, 'E0000006');
});

test("user subscriptions: only the user's own, and a role-level change overrides every holder", async () => {
  const a = await person('ua');
  const b = await person('ub');
  for (const p of [a, b]) assert.equal((await assign(p.id, { type: 'USER_ADMIN' })).status, 201);
  const mine = await a.api.get('/api/v1/users/me/subscriptions');
  assert.equal(mine.status, 200, mine.text);
  assert.ok(mine.body.some((s) => s.notificationType === 'USER_DEPROVISION'));
  assert.equal(mine.body.find((s) => s.notificationType === 'USER_DEPROVISION')._links.self.href,
               `${server.base}/api/v1/users/${a.id}/subscriptions/USER_DEPROVISION`);
  // Nobody else, a super administrator neither.
  assertOktaError(assert, await admin.get(`/api/v1/users/${a.id}/subscriptions`), 403, 'E0000006');
  assertOktaError(assert, await b.api.post(`/api/v1/users/${a.id}/subscriptions/USER_DEPROVISION/unsubscribe`), 403, 'E0000006');
  const plain = await person('plain');
  assert.deepEqual((await plain.api.get(`/api/v1/users/${plain.id}/subscriptions`)).body, []);

  const status = async (p) => (await p.api.get(`/api/v1/users/${p.id}/subscriptions/USER_DEPROVISION`)).body.status;
  assert.equal((await a.api.post(`/api/v1/users/${a.id}/subscriptions/USER_DEPROVISION/unsubscribe`)).status, 200);
  assert.equal(await status(a), 'unsubscribed');
  assert.equal(await status(b), 'subscribed');
  // The role's change overwrites its holders' own settings...
  assert.equal((await admin.post('/api/v1/roles/USER_ADMIN/subscriptions/USER_DEPROVISION/subscribe')).status, 200);
  assert.equal(await status(a), 'subscribed');
  // ... and a holder's later change is theirs alone.
  assert.equal((await b.api.post(`/api/v1/users/me/subscriptions/USER_DEPROVISION/unsubscribe`)).status, 200);
  assert.equal(await status(b), 'unsubscribed');
  assert.equal(await status(a), 'subscribed');
  assert.equal((await admin.post('/api/v1/roles/USER_ADMIN/subscriptions/USER_DEPROVISION/unsubscribe')).status, 200);
  assert.equal(await status(a), 'unsubscribed');
  assert.equal((await admin.post('/api/v1/roles/USER_ADMIN/subscriptions/USER_DEPROVISION/subscribe')).status, 200);
});

test('deprovisioning a user e-mails exactly the subscribed admins, once, even across a restart', async () => {
  const on = await person('subscribed');
  const off = await person('unsubscribed');
  for (const p of [on, off]) assert.equal((await assign(p.id, { type: 'HELP_DESK_ADMIN' })).status, 201);
  assert.equal((await off.api.post(`/api/v1/users/${off.id}/subscriptions/USER_DEPROVISION/unsubscribe`)).status, 200);
  const leaver = await person('leaver');
  const res = await admin.post(`/api/v1/users/${leaver.id}/lifecycle/deactivate`);
  assert.equal(res.status, 200, res.text);
  const mail = await eventually(() => mailsAbout(on.login, leaver.id)[0], 'the USER_DEPROVISION e-mail');
  assert.match(mail, /deprovisioned the user/);
  // The bootstrap super administrator (subscribed by default) hears of it too; the unsubscribed does not.
  await eventually(() => mailsAbout('admin@idledger.local', leaver.id)[0], 'the super admin\'s e-mail');
  assert.deepEqual(mailsAbout(off.login, leaver.id), []);
  // The notification's delivery is recorded once; a restart sends nothing again.
  await server.stop({ keepData: true });
  // Every read model of this file's work (roles on users and groups, custom roles, settings,
  // notifications) is rebuilt from the log and matches.
  let verify;
  try { verify = execFileSync(BIN, ['replay', '--data-dir', server.dir, '--verify']).toString(); } catch (e) { assert.fail(String(e.stdout) + String(e.stderr)); }
  assert.match(verify, /every read model matches/);
  server = await startServer({ dataDir: server.dir, token: server.token });
  admin = server.client();
  sdk = new okta.Client({ orgUrl: server.base, token: server.token });
  const again = await admin.get(`/api/v1/logs?filter=${encodeURIComponent('eventType eq "system.email.delivery"')}&limit=1000`);
  assert.equal(again.status, 200, again.text);
  assert.equal(mailsAbout(on.login, leaver.id).length, 1);
  assert.ok(!mail.includes(leaver.login), 'the e-mail names the user by id, not by login');
  assert.deepEqual(mailsAbout(off.login, leaver.id), []);
});

test('the Okta Node SDK: RoleAssignmentApi, CustomRoleApi and SubscriptionApi', async () => {
  const u = await person('sdk');
  const assigned = await sdk.roleAssignmentApi.assignRoleToUser({ userId: u.id, assignRoleRequest: { type: 'READ_ONLY_ADMIN' } });
  assert.equal(assigned.type, 'READ_ONLY_ADMIN');
  const listed = [];
  for await (const r of await sdk.roleAssignmentApi.listAssignedRolesForUser({ userId: u.id })) listed.push(r);
  assert.deepEqual(listed.map((r) => r.id), [assigned.id]);
  const got = await sdk.roleAssignmentApi.getUserAssignedRole({ userId: u.id, roleId: assigned.id });
  assert.equal(got.label, 'Read-only Administrator');
  await sdk.roleAssignmentApi.unassignRoleFromUser({ userId: u.id, roleId: assigned.id });
  await assert.rejects(sdk.roleAssignmentApi.getUserAssignedRole({ userId: u.id, roleId: assigned.id }),
                       (e) => e.status === 404 || e.errorCode === 'E0000007');

  const role = await sdk.customRoleApi.createRole({ instance: { label: `sdk-${Date.now()}`, description: 'sdk role', permissions: ['okta.groups.read'] } });
  assert.match(role.id, /^cr0/);
  const fetched = await sdk.customRoleApi.getRole({ roleIdOrLabel: role.id });
  assert.equal(fetched.label, role.label);
  const roles = await sdk.customRoleApi.listRoles({});
  assert.ok(roles.roles.some((r) => r.id === role.id));
  await sdk.customRoleApi.deleteRole({ roleIdOrLabel: role.id });

  const subs = [];
  for await (const s of await sdk.subscriptionApi.listRoleSubscriptions({ roleTypeOrRoleId: 'ORG_ADMIN' })) subs.push(s);
  assert.equal(subs.length, 14);
  await sdk.subscriptionApi.unsubscribeRoleSubscriptionByNotificationType({ roleTypeOrRoleId: 'ORG_ADMIN', notificationType: 'OKTA_ANNOUNCEMENT' });
  const one = await sdk.subscriptionApi.listRoleSubscriptionsByNotificationType({ roleTypeOrRoleId: 'ORG_ADMIN', notificationType: 'OKTA_ANNOUNCEMENT' });
  assert.equal(one.status, 'unsubscribed');
  await sdk.subscriptionApi.subscribeRoleSubscriptionByNotificationType({ roleTypeOrRoleId: 'ORG_ADMIN', notificationType: 'OKTA_ANNOUNCEMENT' });

  const me = (await admin.get('/api/v1/users/me')).body;
  const mine = [];
  for await (const s of await sdk.subscriptionApi.listUserSubscriptions({ userId: me.id })) mine.push(s);
  assert.equal(mine.length, 14);
  await sdk.subscriptionApi.unsubscribeUserSubscriptionByNotificationType({ userId: me.id, notificationType: 'OKTA_UPDATE' });
  const mineOne = await sdk.subscriptionApi.listUserSubscriptionsByNotificationType({ userId: me.id, notificationType: 'OKTA_UPDATE' });
  assert.equal(mineOne.status, 'unsubscribed');
  const other = new okta.Client({ orgUrl: server.base, token: u.token });
  await assert.rejects(other.subscriptionApi.listUserSubscriptions({ userId: me.id }).then(async (c) => { for await (const _ of c); }),
                       (e) => e.status === 403 || /E0000006/.test(String(e.errorCode ?? e.message)));
});

test('a client over its rate limit notifies the subscribed admins once per window', async () => {
  const limited = await startServer({ args: ['--rate-limit', 'logs=2'] });
  try {
    const api = limited.client();
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await api.get('/api/v1/logs?limit=1')).status);
    assert.deepEqual(statuses.slice(0, 2), [200, 200]);
    assert.ok(statuses.slice(2).every((s) => s === 429), statuses.join());
    const dir = join(limited.dir, 'mail');
    const about = () => (existsSync(dir) ? readdirSync(dir) : [])
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .filter((m) => m.includes('X-Idledger-Template: admin-notification') && m.includes('rate limit for logs'));
    await eventually(() => about()[0], 'the RATELIMIT_NOTIFICATION e-mail');
    assert.equal(about().length, 1, 'three refusals in one window are one occurrence');
    assert.ok(about()[0].includes('To: <admin@idledger.local>'));
  } finally {
    await limited.stop();
  }
});
