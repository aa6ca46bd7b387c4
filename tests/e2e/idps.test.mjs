// Identity providers end to end (okta-api-notes §4.8): SAML2, OIDC and social IdPs with their
// protocol and policy blocks validated, the lifecycle, user links both ways (the scope
// document's GET /users/{id}/idps), unlinking on user deletion, a restart with replay --verify —
// over HTTP and through the official Okta Node SDK's IdentityProviderApi and UserApi.

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
const google = (name, extra = {}) => ({
  type: 'GOOGLE', name,
  protocol: { type: 'OIDC', scopes: ['openid', 'email', 'profile'],
    credentials: { client: { client_id: 'google-client-id', client_secret: 'google-client-secret-value' } } },
  policy: { provisioning: { action: 'AUTO', profileMaster: true, groups: { action: 'NONE' },
    conditions: { deprovisioned: { action: 'NONE' }, suspended: { action: 'NONE' } } },
    accountLink: { filter: null, action: 'AUTO' },
    subject: { userNameTemplate: { template: 'idpuser.email' }, filter: null, matchType: 'USERNAME' }, maxClockSkew: 0 },
  ...extra,
});
const saml = (name, trust = { issuer: 'https://idp.example.com', kid: 'kid-1', audience: 'https://sp.example.com' }) => ({
  type: 'SAML2', name,
  protocol: { type: 'SAML2', endpoints: { sso: { url: 'https://idp.example.com/sso', binding: 'HTTP-POST' }, acs: { binding: 'HTTP-POST', type: 'INSTANCE' } },
    credentials: { trust } },
});
const genericOidc = (name, endpoints) => ({
  type: 'OIDC', name,
  protocol: { type: 'OIDC', scopes: ['openid', 'profile'], issuer: { url: 'https://op.example.com' },
    endpoints: endpoints ?? { authorization: { url: 'https://op.example.com/authorize' }, token: { url: 'https://op.example.com/token' },
      jwks: { url: 'https://op.example.com/keys' } },
    credentials: { client: { client_id: 'rp', client_secret: 'rp-secret-0123456789' } } },
});

test('IdPs: create each type, get, list, replace, lifecycle, delete; secrets never shown', async () => {
  const g = await admin.post('/api/v1/idps', google('Google'));
  assert.equal(g.status, 200, g.text);
  assert.match(g.body.id, /^0oa[A-Za-z0-9]{17}$/);
  assert.equal(g.body.status, 'ACTIVE');
  assert.equal(g.body.issuerMode, 'ORG_URL');
  assert.equal(g.body.protocol.type, 'OIDC');
  assert.equal(g.body.protocol.credentials.client.client_id, 'google-client-id');
  assert.equal(g.body.protocol.credentials.client.client_secret, undefined);
  assert.equal(g.body.protocol.credentials.client.client_secret_digest, undefined);
  assert.equal(g.body.policy.provisioning.action, 'AUTO');
  assert.equal(g.body._links.authorize.templated, true);
  assert.match(g.body._links.authorize.href, new RegExp(`/oauth2/v1/authorize\\?idp=${g.body.id}&`));
  const log = await admin.get(`/api/v1/logs?filter=${encodeURIComponent(`target.id eq "${g.body.id}"`)}`);
  assert.ok(!JSON.stringify(log.body).includes('google-client-secret-value'));
  assert.deepEqual(log.body.map((e) => e.eventType), ['system.idp.lifecycle.create']);

  const fb = await admin.post('/api/v1/idps', { type: 'FACEBOOK', name: 'Facebook',
    protocol: { type: 'OAUTH2', scopes: ['public_profile', 'email'], credentials: { client: { client_id: 'fb', client_secret: 'fb-secret' } } } });
  assert.equal(fb.status, 200, fb.text);
  assert.equal(fb.body.protocol.type, 'OAUTH2');
  const ms = await admin.post('/api/v1/idps?activate=false', { type: 'MICROSOFT', name: 'Microsoft',
    protocol: { type: 'OIDC', credentials: { client: { client_id: 'ms', client_secret: 'ms-secret' } } } });
  assert.equal(ms.status, 200, ms.text);
  assert.equal(ms.body.status, 'INACTIVE');
  assert.deepEqual(ms.body.protocol.scopes, ['openid', 'email', 'profile']);
  const s = await admin.post('/api/v1/idps', saml('Corp SAML'));
  assert.equal(s.status, 200, s.text);
  assert.equal(s.body.protocol.endpoints.sso.url, 'https://idp.example.com/sso');
  assert.equal(s.body.policy.subject.userNameTemplate.template, 'idpuser.subjectNameId');
  assert.ok(s.body._links.acs);
  const o = await admin.post('/api/v1/idps', genericOidc('Generic OP'));
  assert.equal(o.status, 200, o.text);

  // Validation.
  const refuse = async (body, expected) => {
    const res = await admin.post('/api/v1/idps', body);
    assertOktaError(assert, res, 400, 'E0000001');
    assert.ok(causes(res).some((c) => c.startsWith(expected)), `${causes(res)} lacks ${expected}`);
  };
  await refuse({ ...google('x'), type: 'LINKEDIN' }, 'type: Must be one of');
  await refuse(google('Google'), 'name: An object with this field already exists');
  await refuse(google(''), 'name: The field cannot be left blank');
  await refuse({ type: 'GOOGLE', name: 'x' }, 'protocol: The field is required');
  await refuse(google('x', { protocol: { type: 'OIDC', scopes: ['email'], credentials: { client: { client_id: 'a', client_secret: 'b' } } } }), "protocol.scopes: An OpenID Connect identity provider needs 'openid'");
  await refuse(google('x', { protocol: { type: 'SAML2', credentials: { client: { client_id: 'a', client_secret: 'b' } } } }), 'protocol.type:');
  await refuse(google('x', { protocol: { type: 'OIDC', credentials: { client: {} } } }), 'protocol.credentials.client.client_id: The field cannot be left blank');
  await refuse(saml('x', { kid: 'k' }), 'protocol.credentials.trust.issuer: The field cannot be left blank');
  await refuse({ ...saml('x'), protocol: { type: 'SAML2', endpoints: { sso: { url: 'ftp://x' } }, credentials: { trust: { issuer: 'i', kid: 'k' } } } }, 'protocol.endpoints.sso.url:');
  await refuse(genericOidc('x', { authorization: { url: 'https://op.example.com/a' } }), 'protocol.endpoints.token.url: The field cannot be left blank');
  await refuse(google('x', { policy: { provisioning: { action: 'SOMETIMES' } } }), 'policy.provisioning.action: Must be one of');
  await refuse(google('x', { policy: { subject: { matchType: 'CUSTOM_ATTRIBUTE' } } }), 'policy.subject.matchAttribute:');
  await refuse(google('x', { policy: { maxClockSkew: -5 } }), 'policy.maxClockSkew:');
  await refuse(google('x', { issuerMode: 'ANY' }), 'issuerMode: Must be one of');

  // Replace: whole object back (no secret: it stays), the type cannot change.
  const back = (await admin.get(`/api/v1/idps/${g.body.id}`)).body;
  const replaced = await admin.put(`/api/v1/idps/${g.body.id}`, { ...back, name: 'Google Workspace' });
  assert.equal(replaced.status, 200, replaced.text);
  assert.equal(replaced.body.name, 'Google Workspace');
  assert.equal(replaced.body.created, g.body.created);
  assertOktaError(assert, await admin.put(`/api/v1/idps/${g.body.id}`, { ...back, type: 'FACEBOOK' }), 400, 'E0000001');

  const list = await admin.get('/api/v1/idps?type=SAML2');
  assert.deepEqual(list.body.map((i) => i.id), [s.body.id]);
  assert.deepEqual((await admin.get('/api/v1/idps?q=goo')).body.map((i) => i.id), [g.body.id]);
  const page = await admin.get('/api/v1/idps?limit=2');
  assert.equal(page.body.length, 2);
  assert.ok(links(page).next);

  const deact = await admin.post(`/api/v1/idps/${g.body.id}/lifecycle/deactivate`);
  assert.equal(deact.status, 200);
  assert.equal(deact.body.status, 'INACTIVE');
  assert.equal((await admin.post(`/api/v1/idps/${g.body.id}/lifecycle/activate`)).body.status, 'ACTIVE');
  assert.equal((await admin.delete(`/api/v1/idps/${fb.body.id}`)).status, 204);
  assertOktaError(assert, await admin.get(`/api/v1/idps/${fb.body.id}`), 404, 'E0000007');
});

test('IdP users: link, get, list, unlink; GET /users/{id}/idps; deleted users are unlinked', async () => {
  const idp = (await admin.post('/api/v1/idps', saml('Linking IdP'))).body;
  const idp2 = (await admin.post('/api/v1/idps', genericOidc('Linking OP'))).body;
  const u = await admin.createUser({ activate: false });
  const v = await admin.createUser({ activate: false });
  assert.deepEqual((await admin.get(`/api/v1/users/${u.id}/idps`)).body, []);

  const linked = await admin.post(`/api/v1/idps/${idp.id}/users/${u.id}`, { externalId: 'ext-u-1' });
  assert.equal(linked.status, 200, linked.text);
  assert.equal(linked.body.id, u.id);
  assert.equal(linked.body.externalId, 'ext-u-1');
  assert.equal(linked.body._links.idp.href, `${server.base}/api/v1/idps/${idp.id}`);
  await admin.post(`/api/v1/idps/${idp2.id}/users/${u.id}`, { externalId: 'op-sub-u' });
  await admin.post(`/api/v1/idps/${idp.id}/users/${v.id}`, { externalId: 'ext-v-1' });
  const relinked = await admin.post(`/api/v1/idps/${idp.id}/users/${u.id}`, { externalId: 'ext-u-2' });
  assert.equal(relinked.body.externalId, 'ext-u-2');
  assert.equal(relinked.body.created, linked.body.created);

  assert.deepEqual((await admin.get(`/api/v1/users/${u.id}/idps`)).body.map((i) => i.id), [idp.id, idp2.id]);
  assert.equal((await admin.get(`/api/v1/users/${u.id}/idps`)).body[0].protocol.type, 'SAML2');
  assert.equal((await admin.get(`/api/v1/idps/${idp.id}/users/${u.id}`)).body.externalId, 'ext-u-2');
  const users = await admin.get(`/api/v1/idps/${idp.id}/users?limit=1`);
  assert.deepEqual(users.body.map((x) => x.id), [u.id]);
  assert.deepEqual((await admin.get(links(users).next.slice(server.base.length))).body.map((x) => x.id), [v.id]);

  assertOktaError(assert, await admin.post(`/api/v1/idps/${idp.id}/users/${u.id}`, {}), 400, 'E0000001');
  assertOktaError(assert, await admin.post(`/api/v1/idps/${idp.id}/users/00unosuchuser0000000`, { externalId: 'x' }), 404, 'E0000007');
  assertOktaError(assert, await admin.post(`/api/v1/idps/0oanosuchidp00000000/users/${u.id}`, { externalId: 'x' }), 404, 'E0000007');

  assert.equal((await admin.delete(`/api/v1/idps/${idp2.id}/users/${u.id}`)).status, 204);
  assert.equal((await admin.delete(`/api/v1/idps/${idp2.id}/users/${u.id}`)).status, 204);
  assertOktaError(assert, await admin.get(`/api/v1/idps/${idp2.id}/users/${u.id}`), 404, 'E0000007');
  assert.deepEqual((await admin.get(`/api/v1/users/${u.id}/idps`)).body.map((i) => i.id), [idp.id]);

  await admin.delete(`/api/v1/users/${v.id}`);
  assert.equal((await admin.delete(`/api/v1/users/${v.id}`)).status, 202);
  assert.deepEqual((await admin.get(`/api/v1/idps/${idp.id}/users`)).body.map((x) => x.id), [u.id]);
  const log = await admin.get(`/api/v1/logs?filter=${encodeURIComponent(`target.id eq "${idp.id}"`)}&limit=50`);
  assert.deepEqual(log.body.map((e) => e.eventType), ['system.idp.lifecycle.create', 'user.identity_provider.link',
    'user.identity_provider.link', 'user.identity_provider.link', 'user.identity_provider.unlink']);
});

test('the Okta Node SDK: IdentityProviderApi and UserApi.listUserIdentityProviders', async () => {
  const created = await sdk.identityProviderApi.createIdentityProvider({ identityProvider: google('SDK Google') });
  assert.equal(created.name, 'SDK Google');
  assert.equal(created.type, 'GOOGLE');
  const got = await sdk.identityProviderApi.getIdentityProvider({ idpId: created.id });
  assert.equal(got.protocol.credentials.client.client_id, 'google-client-id');
  got.name = 'SDK Google 2';
  const replaced = await sdk.identityProviderApi.replaceIdentityProvider({ idpId: created.id, identityProvider: got });
  assert.equal(replaced.name, 'SDK Google 2');
  const found = [];
  for await (const i of await sdk.identityProviderApi.listIdentityProviders({ q: 'SDK' })) found.push(i.id);
  assert.deepEqual(found, [created.id]);

  const user = await sdk.userApi.createUser({ body: { profile: { firstName: 'S', lastName: 'I', email: 'sdk.idp@example.com', login: 'sdk.idp@example.com' } }, activate: false });
  const link = await sdk.identityProviderApi.linkUserToIdentityProvider({ idpId: created.id, userId: user.id, userIdentityProviderLinkRequest: { externalId: 'sdk-ext' } });
  assert.equal(link.externalId, 'sdk-ext');
  const one = await sdk.identityProviderApi.getIdentityProviderApplicationUser({ idpId: created.id, userId: user.id });
  assert.equal(one.id, user.id);
  const idpUsers = [];
  for await (const u of await sdk.identityProviderApi.listIdentityProviderApplicationUsers({ idpId: created.id })) idpUsers.push(u.id);
  assert.deepEqual(idpUsers, [user.id]);
  const userIdps = [];
  for await (const i of await sdk.userApi.listUserIdentityProviders({ userId: user.id })) userIdps.push(i.id);
  assert.deepEqual(userIdps, [created.id]);
  await sdk.identityProviderApi.unlinkUserFromIdentityProvider({ idpId: created.id, userId: user.id });
  const deact = await sdk.identityProviderApi.deactivateIdentityProvider({ idpId: created.id });
  assert.equal(deact.status, 'INACTIVE');
  const act = await sdk.identityProviderApi.activateIdentityProvider({ idpId: created.id });
  assert.equal(act.status, 'ACTIVE');
  await sdk.identityProviderApi.deleteIdentityProvider({ idpId: created.id });
  await assert.rejects(sdk.identityProviderApi.getIdentityProvider({ idpId: created.id }), (e) => e.status === 404);
});

test('IdPs and links survive a restart and replay --verify', async () => {
  const idp = (await admin.post('/api/v1/idps', saml('Durable IdP'))).body;
  const u = await admin.createUser({ activate: false });
  await admin.post(`/api/v1/idps/${idp.id}/users/${u.id}`, { externalId: 'durable' });
  await server.stop({ keepData: true });
  const out = execFileSync(BIN, ['replay', '--data-dir', server.dir, '--verify'], { encoding: 'utf8' });
  assert.match(out, /every read model matches/);
  server = await startServer({ dataDir: server.dir, token: server.token });
  admin = server.client();
  assert.equal((await admin.get(`/api/v1/idps/${idp.id}/users/${u.id}`)).body.externalId, 'durable');
});
