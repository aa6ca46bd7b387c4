// Org configuration end to end: SMS templates, trusted origins, network zones and ThreatInsight
// as okta-api-notes §6-8 describe them, with their error cases, the System Log, permissions, a
// restart and replay.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { startServer, assertOktaError, links, BIN, Client } from './harness.mjs';

let server, admin, plain;
before(async () => {
  server = await startServer();
  admin = server.client();
  const user = await admin.createUser({ activate: true });
  const token = await admin.post('/api/v1/api-tokens', { name: 'plain', userId: user.id });
  assert.equal(token.status, 200, token.text);
  plain = server.client(token.body.token);
});
after(async () => { await server?.stop(); });

const causes = (res) => res.body.errorCauses.map((c) => c.errorSummary);

async function logTypes(targetId) {
  const res = await admin.get(`/api/v1/logs?filter=${encodeURIComponent(`target.id eq "${targetId}"`)}&limit=100`);
  assert.equal(res.status, 200, res.text);
  return res.body.map((e) => e.eventType);
}

// ---- SMS templates ----------------------------------------------------------------------------

test('SMS templates: create, get, merge, replace, list by type, delete', async () => {
  const created = await admin.post('/api/v1/templates/sms', {
    name: 'Custom', type: 'SMS_VERIFY_CODE', template: '${org.name}: your code is ${code}',
    translations: { es: '${org.name}: el código es ${code}', fr: '${org.name}: votre code est ${code}' },
  });
  assert.equal(created.status, 200, created.text);
  const t = created.body;
  assert.match(t.id, /^cst[A-Za-z0-9]{17}$/);
  assert.equal(t.created, t.lastUpdated);
  assert.match(t.created, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  const got = await admin.get(`/api/v1/templates/sms/${t.id}`);
  assert.deepEqual(got.body, t);

  // POST merges: a new language is added, "" and null remove one, the rest stays.
  const merged = await admin.post(`/api/v1/templates/sms/${t.id}`, {
    translations: { de: 'Code: ${code}', es: '', fr: null },
  });
  assert.equal(merged.status, 200, merged.text);
  assert.deepEqual(merged.body.translations, { de: 'Code: ${code}' });
  assert.equal(merged.body.template, t.template);
  assert.equal(merged.body.created, t.created);

  // PUT replaces: omitted translations vanish; a missing required property is an error.
  assertOktaError(assert, await admin.put(`/api/v1/templates/sms/${t.id}`, { template: 'x ${code}' }), 400, 'E0000001');
  const replaced = await admin.put(`/api/v1/templates/sms/${t.id}`, { name: 'Other', type: 'SMS_OTHER', template: 'Your code: ${code}' });
  assert.equal(replaced.status, 200, replaced.text);
  assert.equal(replaced.body.translations, undefined);

  const verify = await admin.get('/api/v1/templates/sms?templateType=SMS_VERIFY_CODE');
  assert.ok(!verify.body.some((x) => x.id === t.id));
  const other = await admin.get('/api/v1/templates/sms?templateType=SMS_OTHER');
  assert.deepEqual(other.body.map((x) => x.id), [t.id]);

  const del = await admin.delete(`/api/v1/templates/sms/${t.id}`);
  assert.equal(del.status, 204);
  assert.equal(del.headers.get('content-type'), null);
  assertOktaError(assert, await admin.get(`/api/v1/templates/sms/${t.id}`), 404, 'E0000007');
  assertOktaError(assert, await admin.delete(`/api/v1/templates/sms/${t.id}`), 404, 'E0000007');
  assert.deepEqual(await logTypes(t.id), ['system.sms_template.create', 'system.sms_template.update',
    'system.sms_template.update', 'system.sms_template.delete']);
});

test('SMS templates: validation names each field', async () => {
  let res = await admin.post('/api/v1/templates/sms', {});
  assertOktaError(assert, res, 400, 'E0000001');
  assert.deepEqual(causes(res).map((c) => c.split(':')[0]), ['name', 'type', 'template']);

  res = await admin.post('/api/v1/templates/sms', { name: 'n', type: 't', template: 'no code' });
  assertOktaError(assert, res, 400, 'E0000001');
  assert.match(causes(res)[0], /^template: .*\$\{code\}/);

  // 160 characters once substituted: ${code} is six digits, ${org.name} the org's name.
  const fits = 'x'.repeat(154) + '${code}';
  assert.equal((await admin.post('/api/v1/templates/sms', { name: 'n', type: 't', template: fits })).status, 200);
  res = await admin.post('/api/v1/templates/sms', { name: 'n', type: 't', template: 'é' + fits });
  assertOktaError(assert, res, 400, 'E0000001');
  assert.match(causes(res)[0], /160 characters/);

  res = await admin.post('/api/v1/templates/sms', {
    name: 'n', type: 't', template: 'c ${code}', translations: { english: 'c ${code}', es: 'sin código', zz: 'c ${code}' },
  });
  assertOktaError(assert, res, 400, 'E0000001');
  assert.deepEqual(causes(res).map((c) => c.split(':')[0]).sort(), ['translations.english', 'translations.es', 'translations.zz']);

  res = await admin.post('/api/v1/templates/sms', { name: 'x'.repeat(51), type: 7, template: 'c ${code}' });
  assertOktaError(assert, res, 400, 'E0000001');
  assert.equal(causes(res).length, 2);
  assertOktaError(assert, await admin.post('/api/v1/templates/sms', '[1,2]'), 400, 'E0000003');
  assertOktaError(assert, await admin.get('/api/v1/templates/sms/cstDoesNotExist000001'), 404, 'E0000007');
});

test('org configuration needs an administrator: a plain user token gets 403 E0000006', async () => {
  for (const path of ['/api/v1/templates/sms', '/api/v1/trustedOrigins', '/api/v1/zones', '/api/v1/threats/configuration'])
    assertOktaError(assert, await plain.get(path), 403, 'E0000006');
  assertOktaError(assert, await plain.post('/api/v1/trustedOrigins', { name: 'x', origin: 'https://x.example', scopes: [{ type: 'CORS' }] }), 403, 'E0000006');
  assertOktaError(assert, await new Client(server.base, null).get('/api/v1/zones'), 403, 'E0000005');
  assertOktaError(assert, await new Client(server.base, 'nope').get('/api/v1/zones'), 401, 'E0000011');
});

// ---- Trusted origins --------------------------------------------------------------------------

test('trusted origins: create, get, replace ignoring read-only fields, lifecycle with links, delete', async () => {
  const me = await admin.get('/api/v1/users/me');
  const res = await admin.post('/api/v1/trustedOrigins', {
    name: 'Portal', origin: 'https://portal.example.com', scopes: [{ type: 'CORS' }, { type: 'REDIRECT' }],
  });
  assert.equal(res.status, 200, res.text);
  const o = res.body;
  assert.match(o.id, /^tos[A-Za-z0-9]{17}$/);
  assert.equal(o.status, 'ACTIVE');
  assert.equal(o.createdBy, me.body.id);
  assert.equal(o.lastUpdatedBy, me.body.id);
  assert.equal(o._links.self.href, `${server.base}/api/v1/trustedOrigins/${o.id}`);
  assert.deepEqual(o._links.self.hints.allow, ['GET', 'PUT', 'DELETE']);
  assert.ok(o._links.deactivate && !o._links.activate);

  // Clients send the fetched object back whole: id, status, dates and links are ignored.
  const back = { ...o, name: 'Portal 2', status: 'INACTIVE', created: '2000-01-01T00:00:00.000Z', id: 'tosForged' };
  const put = await admin.put(`/api/v1/trustedOrigins/${o.id}`, back);
  assert.equal(put.status, 200, put.text);
  assert.equal(put.body.name, 'Portal 2');
  assert.equal(put.body.status, 'ACTIVE');
  assert.equal(put.body.created, o.created);
  assert.equal(put.body.id, o.id);

  const off = await admin.post(`/api/v1/trustedOrigins/${o.id}/lifecycle/deactivate`);
  assert.equal(off.status, 200);
  assert.equal(off.body.status, 'INACTIVE');
  assert.ok(off.body._links.activate && !off.body._links.deactivate);
  assert.equal((await admin.post(`/api/v1/trustedOrigins/${o.id}/lifecycle/deactivate`)).body.status, 'INACTIVE');
  const on = await admin.post(`/api/v1/trustedOrigins/${o.id}/lifecycle/activate`);
  assert.equal(on.body.status, 'ACTIVE');

  const del = await admin.delete(`/api/v1/trustedOrigins/${o.id}`);
  assert.equal(del.status, 200);
  assert.equal(del.text, '');
  assert.equal(del.headers.get('content-type'), null);
  assertOktaError(assert, await admin.get(`/api/v1/trustedOrigins/${o.id}`), 404, 'E0000007');
  assertOktaError(assert, await admin.post(`/api/v1/trustedOrigins/${o.id}/lifecycle/activate`), 404, 'E0000007');
  assert.deepEqual(await logTypes(o.id), ['security.trusted_origin.create', 'security.trusted_origin.update',
    'security.trusted_origin.deactivate', 'security.trusted_origin.activate', 'security.trusted_origin.delete']);
});

test('trusted origins: validation, uniqueness of name and origin, scope rules', async () => {
  const ok = await admin.post('/api/v1/trustedOrigins', { name: 'Unique', origin: 'http://unique.example.com:8080', scopes: [{ type: 'CORS' }] });
  assert.equal(ok.status, 200, ok.text);

  let res = await admin.post('/api/v1/trustedOrigins', { name: 'x', origin: 'example.com', scopes: [{ type: 'CORS' }] });
  assertOktaError(assert, res, 400, 'E0000001');
  assert.equal(res.body.errorSummary, 'Api validation failed: origin');
  assert.deepEqual(causes(res), ['origin: Origin value is not valid']);
  for (const bad of ['gopher://example.com', 'https://example.com/path', 'https://exa mple.com', 'https://example.com:70000', 'https://user@example.com', 'https://'])
    assertOktaError(assert, await admin.post('/api/v1/trustedOrigins', { name: 'x', origin: bad, scopes: [{ type: 'CORS' }] }), 400, 'E0000001');
  for (const good of ['ionic://localhost', 'capacitor://localhost', 'https://[::1]:8443', 'ftp://files.example.com/'])
    assert.equal((await admin.post('/api/v1/trustedOrigins', { name: good, origin: good, scopes: [{ type: 'REDIRECT' }] })).status, 200, good);

  // Unique: the same name; the same origin up to the case of scheme and host.
  res = await admin.post('/api/v1/trustedOrigins', { name: 'Unique', origin: 'HTTP://UNIQUE.example.com:8080/', scopes: [{ type: 'CORS' }] });
  assertOktaError(assert, res, 400, 'E0000001');
  assert.deepEqual(causes(res).map((c) => c.split(':')[0]), ['name', 'origin']);

  res = await admin.post('/api/v1/trustedOrigins', { name: 'y', origin: 'https://y.example.com', scopes: [{ type: 'NOPE' }] });
  assertOktaError(assert, res, 400, 'E0000003');
  res = await admin.post('/api/v1/trustedOrigins', { name: 'y', origin: 'https://y.example.com', scopes: [] });
  assertOktaError(assert, res, 400, 'E0000001');
  res = await admin.post('/api/v1/trustedOrigins', { name: 'y', origin: 'https://y.example.com', scopes: [{ type: 'CORS', allowedOktaApps: ['OKTA_ENDUSER'] }] });
  assertOktaError(assert, res, 400, 'E0000001');
  res = await admin.post('/api/v1/trustedOrigins', { name: 'y', origin: 'https://y.example.com', scopes: [{ type: 'IFRAME_EMBED', allowedOktaApps: ['OKTA_ENDUSER'] }] });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.scopes, [{ type: 'IFRAME_EMBED', allowedOktaApps: ['OKTA_ENDUSER'] }]);

  // A replace may keep its own name and origin but not take another's.
  const other = await admin.post('/api/v1/trustedOrigins', { name: 'Other', origin: 'https://other.example.com', scopes: [{ type: 'CORS' }] });
  res = await admin.put(`/api/v1/trustedOrigins/${other.body.id}`, { name: 'Other', origin: 'https://other.example.com', scopes: [{ type: 'REDIRECT' }] });
  assert.equal(res.status, 200, res.text);
  res = await admin.put(`/api/v1/trustedOrigins/${other.body.id}`, { name: 'Unique', origin: 'https://other.example.com', scopes: [{ type: 'CORS' }] });
  assertOktaError(assert, res, 400, 'E0000001');
});

test('trusted origins: q, filter with and/or/parentheses, limit, after and Link', async () => {
  const made = [];
  for (let i = 0; i < 5; i++) {
    const r = await admin.post('/api/v1/trustedOrigins', {
      name: `List ${i}`, origin: `https://list${i}.example.org`, scopes: [{ type: i % 2 ? 'REDIRECT' : 'CORS' }],
    });
    made.push(r.body.id);
  }
  await admin.post(`/api/v1/trustedOrigins/${made[4]}/lifecycle/deactivate`);

  const q = await admin.get('/api/v1/trustedOrigins?q=list');
  assert.deepEqual(q.body.map((o) => o.id), made);
  const qOrigin = await admin.get('/api/v1/trustedOrigins?q=' + encodeURIComponent('https://list3'));
  assert.deepEqual(qOrigin.body.map((o) => o.id), [made[3]]);

  const f = (expr) => admin.get('/api/v1/trustedOrigins?filter=' + encodeURIComponent(expr));
  assert.deepEqual((await f('(name eq "List 1" or name eq "List 2") and type eq "REDIRECT"')).body.map((o) => o.id), [made[1]]);
  assert.deepEqual((await f('status eq "INACTIVE"')).body.map((o) => o.id), [made[4]]);
  assert.deepEqual((await f('origin eq "https://list0.example.org" OR name sw "List 3"')).body.map((o) => o.id), [made[0], made[3]]);
  assertOktaError(assert, await f('createdBy eq "x"'), 400, 'E0000031');
  assertOktaError(assert, await f('name eq'), 400, 'E0000031');

  // Pages of two, following next to the end.
  const seen = [];
  let url = '/api/v1/trustedOrigins?q=list&limit=2';
  for (;;) {
    const page = await admin.get(url);
    assert.equal(page.status, 200);
    assert.ok(page.body.length <= 2);
    seen.push(...page.body.map((o) => o.id));
    const l = links(page);
    assert.ok(l.self.startsWith(server.base));
    if (!l.next) break;
    assert.match(l.next, /q=list/);
    url = l.next.slice(server.base.length);
  }
  assert.deepEqual(seen, made);
  assertOktaError(assert, await admin.get('/api/v1/trustedOrigins?limit=0'), 400, 'E0000029');
  assertOktaError(assert, await admin.get('/api/v1/trustedOrigins?after=notacursor'), 400, 'E0000029');
  assert.equal((await admin.get('/api/v1/trustedOrigins?limit=1000')).status, 200);
});

// ---- Network zones and ThreatInsight ----------------------------------------------------------

test('zones: IP zones only, addresses validated, unique names, lifecycle and deletion rules', async () => {
  let res = await admin.post('/api/v1/zones', { type: 'DYNAMIC', name: 'dyn', locations: [{ country: 'US' }] });
  assertOktaError(assert, res, 400, 'E0000001');
  assert.match(causes(res)[0], /^type: /);
  res = await admin.post('/api/v1/zones', {
    type: 'IP', name: 'bad',
    gateways: [{ type: 'CIDR', value: '300.0.0.1/8' }, { type: 'CIDR', value: '10.0.0.0/33' }, { type: 'RANGE', value: '10.0.0.9-10.0.0.1' },
      { type: 'RANGE', value: '10.0.0.1-::1' }, { type: 'HOST', value: '10.0.0.1' }],
  });
  assertOktaError(assert, res, 400, 'E0000001');
  assert.equal(causes(res).length, 5);
  res = await admin.post('/api/v1/zones', { type: 'IP', name: 'block', usage: 'BLOCKLIST', proxies: [{ type: 'CIDR', value: '10.0.0.0/8' }] });
  assertOktaError(assert, res, 400, 'E0000001');

  res = await admin.post('/api/v1/zones', {
    type: 'IP', name: 'Office',
    gateways: [{ type: 'CIDR', value: '203.0.113.0/24' }, { type: 'CIDR', value: '2001:db8::/32' }, { type: 'RANGE', value: '198.51.100.1-198.51.100.9' }],
  });
  assert.equal(res.status, 200, res.text);
  const z = res.body;
  assert.equal(z.usage, 'POLICY');
  assert.equal(z.system, false);
  assert.equal(z.proxies, null);
  assertOktaError(assert, await admin.post('/api/v1/zones', { type: 'IP', name: 'Office' }), 400, 'E0000001');

  const list = await admin.get('/api/v1/zones?filter=' + encodeURIComponent(`id eq "${z.id}" or usage eq "BLOCKLIST"`));
  assert.deepEqual(list.body.map((x) => x.id), [z.id]);
  assertOktaError(assert, await admin.get('/api/v1/zones?filter=' + encodeURIComponent('name eq "Office"')), 400, 'E0000031');

  // Active zones cannot be deleted (Okta's wording).
  res = await admin.delete(`/api/v1/zones/${z.id}`);
  assertOktaError(assert, res, 400, 'E0000001');
  assert.equal(res.body.errorSummary, 'Api validation failed: The zone: Office is an active zone. Active zones cannot be deleted.');
  assert.equal((await admin.post(`/api/v1/zones/${z.id}/lifecycle/deactivate`)).body.status, 'INACTIVE');
  const del = await admin.delete(`/api/v1/zones/${z.id}`);
  assert.equal(del.status, 204);
  assertOktaError(assert, await admin.get(`/api/v1/zones/${z.id}`), 404, 'E0000007');
  assert.deepEqual(await logTypes(z.id), ['zone.create', 'zone.deactivate', 'zone.delete']);
});

test('ThreatInsight: exists from the start, rejects unknown zones, accepts real ones, protects them', async () => {
  const initial = await admin.get('/api/v1/threats/configuration');
  assert.equal(initial.status, 200);
  assert.equal(initial.body.action, 'none');
  assert.deepEqual(initial.body.excludeZones, []);
  assert.deepEqual(initial.body._links.self.hints.allow, ['GET', 'POST']);

  let res = await admin.post('/api/v1/threats/configuration', { excludeZones: [] });
  assertOktaError(assert, res, 400, 'E0000001');
  assert.match(causes(res)[0], /^action: /);
  assertOktaError(assert, await admin.post('/api/v1/threats/configuration', { action: 'BLOCK!' }), 400, 'E0000001');
  res = await admin.post('/api/v1/threats/configuration', { action: 'audit', excludeZones: ['nzoNoSuchZone0000001'] });
  assertOktaError(assert, res, 400, 'E0000001');
  assert.deepEqual(causes(res), ['excludeZones: The network zone nzoNoSuchZone0000001 does not exist']);

  const zone = (await admin.post('/api/v1/zones', { type: 'IP', name: 'Trusted office', gateways: [{ type: 'CIDR', value: '192.0.2.0/24' }] })).body;
  res = await admin.post('/api/v1/threats/configuration', { action: 'block', excludeZones: [zone.id, zone.id] });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.body.excludeZones, [zone.id]);
  assert.equal(res.body.created, initial.body.created);
  assert.ok(res.body.lastUpdated >= initial.body.lastUpdated);

  await admin.post(`/api/v1/zones/${zone.id}/lifecycle/deactivate`);
  res = await admin.delete(`/api/v1/zones/${zone.id}`);
  assertOktaError(assert, res, 400, 'E0000001');
  assert.match(causes(res)[0], /ThreatInsight/);
  res = await admin.post('/api/v1/threats/configuration', { action: 'audit' });
  assert.deepEqual(res.body.excludeZones, []);
  assert.equal((await admin.delete(`/api/v1/zones/${zone.id}`)).status, 204);
  assert.deepEqual((await admin.get('/api/v1/threats/configuration')).body.action, 'audit');
  const log = await admin.get('/api/v1/logs?filter=' + encodeURIComponent('eventType eq "security.threat.configuration.update"'));
  assert.equal(log.body.length, 2);
});

test('everything survives a restart and replays to the same read models', async () => {
  const t = (await admin.post('/api/v1/templates/sms', { name: 'keep', type: 'SMS_VERIFY_CODE', template: 'k ${code}' })).body;
  const o = (await admin.post('/api/v1/trustedOrigins', { name: 'keep', origin: 'https://keep.example.com', scopes: [{ type: 'CORS' }] })).body;
  const threat = (await admin.get('/api/v1/threats/configuration')).body;
  await server.stop({ keepData: true });
  const verify = execFileSync(BIN, ['replay', '--data-dir', server.dir, '--verify']).toString();
  assert.match(verify, /every read model matches/);
  server = await startServer({ dataDir: server.dir, token: server.token });
  admin = server.client();
  assert.equal((await admin.get(`/api/v1/templates/sms/${t.id}`)).body.name, 'keep');
  assert.equal((await admin.get(`/api/v1/trustedOrigins/${o.id}`)).body.origin, 'https://keep.example.com');
  assert.deepEqual((await admin.get('/api/v1/threats/configuration')).body, { ...threat, _links: (await admin.get('/api/v1/threats/configuration')).body._links });
  // The unique index came back too.
  assertOktaError(assert, await admin.post('/api/v1/trustedOrigins', { name: 'keep', origin: 'https://keep2.example.com', scopes: [{ type: 'CORS' }] }), 400, 'E0000001');
});

test('concurrent creates of one trusted origin: exactly one wins, the rest name the duplicate', async () => {
  const body = { name: 'Race', origin: 'https://race.example.com', scopes: [{ type: 'CORS' }] };
  const answers = await Promise.all(Array.from({ length: 24 }, (_, i) =>
    admin.post('/api/v1/trustedOrigins', i % 2 ? body : { ...body, origin: 'HTTPS://RACE.example.com:443' })));
  assert.equal(answers.filter((a) => a.status === 200).length, 1, answers.map((a) => a.status).join());
  for (const a of answers.filter((x) => x.status !== 200)) assertOktaError(assert, a, 400, 'E0000001');
  const zones = await Promise.all(Array.from({ length: 12 }, () =>
    admin.post('/api/v1/zones', { type: 'IP', name: 'Race zone', gateways: [{ type: 'CIDR', value: '10.1.0.0/16' }] })));
  assert.equal(zones.filter((a) => a.status === 200).length, 1);
});
