// The official Okta Node.js SDK (@okta/okta-sdk-nodejs, pinned in package.json) as a real
// client: it must work against idledger unchanged.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import okta from '@okta/okta-sdk-nodejs';
import { startServer, STRONG_PASSWORD } from './harness.mjs';

let server, client;
before(async () => {
  server = await startServer();
  client = new okta.Client({ orgUrl: server.base, token: server.token });
});
after(async () => { await server?.stop(); });

const newUser = (login, password) => ({
  profile: { firstName: 'Sdk', lastName: 'Tester', email: login, login },
  ...(password ? { credentials: { password: { value: password } } } : {}),
});

test('createUser and getUser (by id and by login)', async () => {
  const created = await client.userApi.createUser({ body: newUser('sdk.create@example.com', STRONG_PASSWORD) });
  assert.equal(created.status, 'ACTIVE');
  assert.equal(created.profile.login, 'sdk.create@example.com');
  assert.ok(created.created instanceof Date);
  const byId = await client.userApi.getUser({ userId: created.id });
  assert.equal(byId.id, created.id);
  const byLogin = await client.userApi.getUser({ userId: 'sdk.create@example.com' });
  assert.equal(byLogin.id, created.id);
  const staged = await client.userApi.createUser({ body: newUser('sdk.staged@example.com'), activate: false });
  assert.equal(staged.status, 'STAGED');
});

test('listUsers follows pagination to the end, each user once', async () => {
  for (let i = 0; i < 7; i++) await client.userApi.createUser({ body: newUser(`sdk.page${i}@example.com`) });
  const seen = [];
  const collection = await client.userApi.listUsers({ limit: 3 });
  for await (const u of collection) seen.push(u.id);
  assert.equal(new Set(seen).size, seen.length);
  const direct = await fetch(`${server.base}/api/v1/users?limit=200`, { headers: { Authorization: `SSWS ${server.token}` } }).then((r) => r.json());
  assert.deepEqual(seen.sort(), direct.map((u) => u.id).sort());
  const searched = [];
  for await (const u of await client.userApi.listUsers({ search: 'profile.login sw "sdk.page"', limit: 2 })) searched.push(u.profile.login);
  assert.equal(searched.length, 7);
});

test('updateUser (partial) and replaceUser, sending the whole fetched user back', async () => {
  const u = await client.userApi.createUser({ body: newUser('sdk.update@example.com', STRONG_PASSWORD) });
  u.profile.nickName = 'Sdk';
  const updated = await client.userApi.updateUser({ userId: u.id, user: u });
  assert.equal(updated.profile.nickName, 'Sdk');
  const fetched = await client.userApi.getUser({ userId: u.id });
  fetched.profile.title = 'Replaced';
  delete fetched.profile.nickName;
  const replaced = await client.userApi.replaceUser({ userId: u.id, user: fetched });
  assert.equal(replaced.profile.title, 'Replaced');
  assert.equal(replaced.profile.nickName, undefined);
  assert.equal(replaced.status, 'ACTIVE');
});

test('lifecycle and credential methods', async () => {
  const u = await client.userApi.createUser({ body: newUser('sdk.lifecycle@example.com', STRONG_PASSWORD) });
  await client.userApi.suspendUser({ userId: u.id });
  assert.equal((await client.userApi.getUser({ userId: u.id })).status, 'SUSPENDED');
  await client.userApi.unsuspendUser({ userId: u.id });
  const creds = await client.userApi.changePassword({ userId: u.id, changePasswordRequest: { oldPassword: { value: STRONG_PASSWORD }, newPassword: { value: 'Sdk-Changed-Pass1' } } });
  assert.ok(creds.password);
  const expired = await client.userApi.expirePassword({ userId: u.id });
  assert.equal(expired.status, 'PASSWORD_EXPIRED');
  const staged = await client.userApi.createUser({ body: newUser('sdk.activate@example.com'), activate: false });
  const token = await client.userApi.activateUser({ userId: staged.id, sendEmail: false });
  assert.ok(token.activationToken);
});

test('every lifecycle method; the asynchronous ones have completed when the SDK call returns', async () => {
  const api = client.userApi;
  const staged = await api.createUser({ body: newUser('sdk.async@example.com'), activate: false });
  const activation = await api.activateUser({ userId: staged.id, sendEmail: false });
  assert.match(activation.activationToken, /^[A-Za-z0-9]{20}$/);
  let now = await api.getUser({ userId: staged.id });
  assert.equal(now.status, 'PROVISIONED');
  assert.equal(now.transitioningToStatus, undefined);
  const again = await api.reactivateUser({ userId: staged.id, sendEmail: false });
  assert.notEqual(again.activationToken, activation.activationToken);
  await api.deactivateUser({ userId: staged.id });
  assert.equal((await api.getUser({ userId: staged.id })).status, 'DEPROVISIONED');
  await api.activateUser({ userId: staged.id, sendEmail: true });
  assert.equal((await api.getUser({ userId: staged.id })).status, 'PROVISIONED');

  const u = await api.createUser({ body: newUser('sdk.async2@example.com', STRONG_PASSWORD) });
  await assert.rejects(api.unlockUser({ userId: u.id }), (err) => err.status === 403 && err.errorCode === 'E0000032');
  await api.resetFactors({ userId: u.id });
  const reset = await api.generateResetPasswordToken({ userId: u.id, sendEmail: false });
  assert.match(reset.resetPasswordUrl, /\/reset_password\/[A-Za-z0-9]{20}$/);
  assert.equal((await api.getUser({ userId: u.id })).status, 'RECOVERY');
  // Okta answers {"tempPassword": ...} (as its Java SDK models it); Node SDK 8.1.0 deserializes
  // the body as a User and drops the member, so only the call's success is visible here.
  await api.expirePasswordAndGetTemporaryPassword({ userId: u.id });
  now = await api.getUser({ userId: u.id });
  assert.equal(now.status, 'PASSWORD_EXPIRED');
  await assert.rejects(api.activateUser({ userId: u.id, sendEmail: false }), (err) => err.status === 403 && err.errorCode === 'E0000038');
});

test('errors surface as OktaApiError with Okta\'s code', async () => {
  await assert.rejects(client.userApi.getUser({ userId: '00uNoSuchUser00000001' }), (err) => {
    assert.equal(err.status, 404);
    assert.equal(err.errorCode, 'E0000007');
    return true;
  });
  await assert.rejects(client.userApi.createUser({ body: newUser('sdk.create@example.com') }), (err) => err.errorCode === 'E0000001');
});

test('deactivateUser then deleteUser removes the user', async () => {
  const u = await client.userApi.createUser({ body: newUser('sdk.delete@example.com', STRONG_PASSWORD) });
  await client.userApi.deactivateUser({ userId: u.id });
  await client.userApi.deleteUser({ userId: u.id });
  await assert.rejects(client.userApi.getUser({ userId: u.id }), (err) => err.status === 404);
});

// ---- Org configuration through the SDK's own APIs, used as its integration tests use them ----

test('TemplateApi: SMS templates created, listed by type, updated, replaced and deleted', async () => {
  const created = await client.templateApi.createSmsTemplate({
    smsTemplate: {
      name: 'sdk-sms', type: 'SMS_VERIFY_CODE', template: '${org.name}: your code is ${code}',
      translations: { es: '${org.name}: el código es ${code}', fr: '${org.name}: votre code est ${code}' },
    },
  });
  assert.match(created.id, /^cst[A-Za-z0-9]{17}$/);
  assert.ok(created.created instanceof Date);
  const listed = [];
  for await (const t of await client.templateApi.listSmsTemplates({ templateType: 'SMS_VERIFY_CODE' })) listed.push(t.id);
  assert.ok(listed.includes(created.id));
  const other = [];
  for await (const t of await client.templateApi.listSmsTemplates({ templateType: 'SMS_OTHER' })) other.push(t.id);
  assert.ok(!other.includes(created.id));

  const updated = await client.templateApi.updateSmsTemplate({
    templateId: created.id, smsTemplate: { translations: { de: '${org.name}: Ihr Code ist ${code}', es: '' } },
  });
  assert.deepEqual(Object.keys(updated.translations).sort(), ['de', 'fr']);
  assert.equal(updated.template, created.template);

  const replaced = await client.templateApi.replaceSmsTemplate({
    templateId: created.id, smsTemplate: { name: 'sdk-sms-2', type: 'SMS_VERIFY_CODE', template: 'Code: ${code}' },
  });
  assert.equal(replaced.name, 'sdk-sms-2');
  assert.equal(replaced.translations, undefined);
  const fetched = await client.templateApi.getSmsTemplate({ templateId: created.id });
  assert.equal(fetched.template, 'Code: ${code}');

  await client.templateApi.deleteSmsTemplate({ templateId: created.id });
  await assert.rejects(client.templateApi.getSmsTemplate({ templateId: created.id }), (e) => e.status === 404);
});

test('TrustedOriginApi: create, list with q and filter, replace, deactivate, activate, delete', async () => {
  const origin = await client.trustedOriginApi.createTrustedOrigin({
    trustedOrigin: { name: 'sdk-origin', origin: 'https://sdk.example.com', scopes: [{ type: 'CORS' }, { type: 'REDIRECT' }] },
  });
  assert.match(origin.id, /^tos[A-Za-z0-9]{17}$/);
  assert.equal(origin.status, 'ACTIVE');
  const byQ = [];
  for await (const o of await client.trustedOriginApi.listTrustedOrigins({ q: 'sdk-orig' })) byQ.push(o.id);
  assert.deepEqual(byQ, [origin.id]);
  const byFilter = [];
  for await (const o of await client.trustedOriginApi.listTrustedOrigins({ filter: 'type eq "REDIRECT" and status eq "ACTIVE"' })) byFilter.push(o.id);
  assert.ok(byFilter.includes(origin.id));

  origin.name = 'sdk-origin-renamed';
  origin.scopes = [{ type: 'IFRAME_EMBED', allowedOktaApps: ['OKTA_ENDUSER'] }];
  const replaced = await client.trustedOriginApi.replaceTrustedOrigin({ trustedOriginId: origin.id, trustedOrigin: origin });
  assert.equal(replaced.name, 'sdk-origin-renamed');
  assert.equal(replaced.scopes[0].type, 'IFRAME_EMBED');

  const inactive = await client.trustedOriginApi.deactivateTrustedOrigin({ trustedOriginId: origin.id });
  assert.equal(inactive.status, 'INACTIVE');
  const active = await client.trustedOriginApi.activateTrustedOrigin({ trustedOriginId: origin.id });
  assert.equal(active.status, 'ACTIVE');
  await client.trustedOriginApi.deactivateTrustedOrigin({ trustedOriginId: origin.id });
  await client.trustedOriginApi.deleteTrustedOrigin({ trustedOriginId: origin.id });
  await assert.rejects(client.trustedOriginApi.getTrustedOrigin({ trustedOriginId: origin.id }), (e) => e.status === 404);
});

test('NetworkZoneApi and ThreatInsightApi: an excluded IP zone, then the configuration reset', async () => {
  const zone = await client.networkZoneApi.createNetworkZone({
    zone: {
      type: 'IP', name: 'sdk-zone',
      gateways: [{ type: 'CIDR', value: '192.168.0.0/24' }, { type: 'RANGE', value: '10.0.0.1-10.0.0.9' }],
      proxies: [{ type: 'CIDR', value: '172.16.0.0/12' }],
    },
  });
  assert.match(zone.id, /^nzo[A-Za-z0-9]{17}$/);
  assert.equal(zone.type, 'IP');
  assert.equal(zone.status, 'ACTIVE');
  const zones = [];
  for await (const z of await client.networkZoneApi.listNetworkZones({ filter: `id eq "${zone.id}"` })) zones.push(z.id);
  assert.deepEqual(zones, [zone.id]);
  zone.gateways = [{ type: 'CIDR', value: '192.168.1.0/24' }];
  const replaced = await client.networkZoneApi.replaceNetworkZone({ zoneId: zone.id, zone });
  assert.equal(replaced.gateways[0].value, '192.168.1.0/24');

  const before = await client.threatInsightApi.getCurrentConfiguration();
  assert.equal(before.action, 'none');
  const config = await client.threatInsightApi.updateConfiguration({
    threatInsightConfiguration: { action: 'audit', excludeZones: [zone.id] },
  });
  assert.equal(config.action, 'audit');
  assert.deepEqual(config.excludeZones, [zone.id]);
  assert.equal(config.created.getTime(), before.created.getTime());
  await assert.rejects(
    client.threatInsightApi.updateConfiguration({ threatInsightConfiguration: { action: 'block', excludeZones: ['nzoDoesNotExist000001'] } }),
    (e) => e.status === 400);

  await client.networkZoneApi.deactivateNetworkZone({ zoneId: zone.id });
  await assert.rejects(client.networkZoneApi.deleteNetworkZone({ zoneId: zone.id }), (e) => e.status === 400);
  await client.threatInsightApi.updateConfiguration({ threatInsightConfiguration: { action: 'none', excludeZones: [] } });
  await client.networkZoneApi.deleteNetworkZone({ zoneId: zone.id });
  await assert.rejects(client.networkZoneApi.getNetworkZone({ zoneId: zone.id }), (e) => e.status === 404);
});
