// Regression tests for the hardening issue: what an outside attacker found, each fixed.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, chmodSync, statSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, Client, assertOktaError, rawRequest, links, eventually, clockPast, BIN, STRONG_PASSWORD } from './harness.mjs';

let server, api;
before(async () => { server = await startServer(); api = server.client(); });
after(async () => { await server?.stop(); });

const EDGE_NUMBERS = {
  maxInt64: '9223372036854775807', minInt64: '-9223372036854775808', twoTo63: '9223372036854775808',
  belowMinInt64: '-9223372036854775809', maxUint64: '18446744073709551615', twoTo64: '18446744073709551616',
  maxUint64AsDouble: '1.8446744073709552e19', huge: '123456789012345678901234567890', big: '1e308',
  tiny: '1e-400', negZero: '-0.0', intNegZero: '-0', sum: '0.30000000000000004', denormal: '5e-324',
  longMantissa: '1.00000000000000000000000000000000000001',
};

/// A create body whose custom attributes hold every edge number, written as raw JSON text.
function edgeBody(login) {
  const custom = Object.entries(EDGE_NUMBERS).map(([k, v]) => `"${k}":${v}`).join(',');
  return `{"profile":{"firstName":"Num","lastName":"Bers","email":"${login}","login":"${login}",` +
    `${custom},"nested":{"deep":[${Object.values(EDGE_NUMBERS).join(',')}],"ünï":"\u00e9\\u00e9"}}}`;
}

test('numbers that do not fit 64 bits round-trip: list, get, restart, replay --verify all hold', async () => {
  const s = await startServer();
  try {
    const a = s.client();
    const created = await a.post('/api/v1/users?activate=false', edgeBody('numbers@example.com'));
    assert.equal(created.status, 200, created.text);
    // What came back reads again as what a second GET returns, byte for byte.
    const got = await a.get(`/api/v1/users/${created.body.id}`);
    assert.equal(got.status, 200, got.text);
    assert.equal(JSON.stringify(got.body.profile), JSON.stringify(created.body.profile));
    assert.match(got.text, /"negZero":-0\.0/);
    assert.match(got.text, /"maxUint64":18446744073709551616\.0/);
    assert.match(got.text, /"maxInt64":9223372036854775807[,}]/);
    const page = await a.get('/api/v1/users');
    assert.equal(page.status, 200, page.text);
    const updated = await a.post(`/api/v1/users/${created.body.id}`, '{"profile":{"twoTo64":18446744073709551616,"x":-0.0}}');
    assert.equal(updated.status, 200, updated.text);
    await s.stop({ keepData: true });
    const verify = execFileSync(BIN, ['replay', '--data-dir', s.dir, '--verify']).toString();
    assert.match(verify, /replayed \d+ events/);
    const again = await startServer({ dataDir: s.dir, token: s.token });
    try {
      const after = await again.client().get(`/api/v1/users/${created.body.id}`);
      assert.equal(after.status, 200, after.text);
      assert.equal(JSON.stringify(after.body.profile), JSON.stringify(updated.body.profile));
      assert.equal((await again.client().get('/api/v1/users')).status, 200);
      const history = await again.client().get(`/api/v1/users/${created.body.id}/history`);
      assert.equal(history.status, 200);
      assert.ok(!history.text.includes('redacted'), history.text);
    } finally {
      await again.stop({ keepData: true });
    }
    const exported = execFileSync(BIN, ['export', '--data-dir', s.dir], { stdio: ['ignore', 'pipe', 'ignore'] }).toString();
    assert.ok(!exported.includes('"corrupt"'));
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('a number no double holds is refused with E0000001 before anything is written', async () => {
  const res = await api.post('/api/v1/users', '{"profile":{"login":"inf@example.com","email":"inf@example.com","firstName":"a","lastName":"b","n":1e309}}');
  assertOktaError(assert, res, 400, 'E0000001');
  assert.ok(res.body.errorCauses.length > 0);
  assertOktaError(assert, await api.get('/api/v1/users/inf@example.com'), 404, 'E0000007');
});

test('50 concurrent unconditional updates of one user all succeed, and every change is kept', async () => {
  const u = await api.createUser({ activate: false });
  const results = await Promise.all(Array.from({ length: 50 }, (_, i) =>
    api.post(`/api/v1/users/${u.id}`, { profile: { [`attr${i}`]: i } })));
  for (const r of results) assert.equal(r.status, 200, r.text);
  const final = (await api.get(`/api/v1/users/${u.id}`)).body.profile;
  for (let i = 0; i < 50; i++) assert.equal(final[`attr${i}`], i);
  // A stale If-Match still fails, with 412.
  const stale = await api.post(`/api/v1/users/${u.id}`, { profile: { x: 1 } }, { headers: { 'If-Match': '"stale"' } });
  assertOktaError(assert, stale, 412, 'E0000231');
});

test('the last super administrator cannot suspend, deactivate or delete itself', async () => {
  for (const [method, path] of [['POST', '/api/v1/users/me/lifecycle/suspend'],
                                ['POST', '/api/v1/users/me/lifecycle/deactivate'],
                                ['DELETE', '/api/v1/users/me']]) {
    const res = await api.request(method, path);
    assertOktaError(assert, res, 403, 'E0000006');
    assert.match(res.body.errorCauses[0].errorSummary, /super administrator/);
  }
  assert.equal((await api.get('/api/v1/users/me')).body.status, 'ACTIVE');
  assert.equal((await api.get('/api/v1/users')).status, 200);
});

test('idledger admin-token issues a working super-admin token while the server is stopped', async () => {
  const s = await startServer();
  try {
    await s.stop({ keepData: true });
    const out = execFileSync(BIN, ['admin-token', '--data-dir', s.dir]).toString();
    const token = out.match(/shown once\): (\S+)/)?.[1];
    assert.ok(token, out);
    const again = await startServer({ dataDir: s.dir, token: s.token });
    try {
      const me = await new Client(again.base, token).get('/api/v1/users/me');
      assert.equal(me.status, 200, me.text);
      assert.equal(me.body.profile.login, 'admin@idledger.local');
      assert.equal((await new Client(again.base, token).get('/api/v1/users')).status, 200);
    } finally {
      await again.stop({ keepData: true });
    }
  } finally {
    rmSync(s.dir, { recursive: true, force: true });
  }
});

test('the data directory is private: 0700 and 0600, and a shared one is refused', async () => {
  const mode = (p) => statSync(p).mode & 0o777;
  assert.equal(mode(server.dir) & 0o077, 0);
  const walk = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? [join(d, e.name), ...walk(join(d, e.name))] : [join(d, e.name)]);
  for (const p of walk(server.dir)) assert.equal(mode(p) & 0o077, 0, `${p} is ${mode(p).toString(8)}`);

  const shared = mkdtempSync(join(tmpdir(), 'idledger-shared-'));
  chmodSync(shared, 0o755);
  try {
    const refused = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--data-dir', shared], { timeout: 30_000 });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr.toString(), /other users/);
    assert.deepEqual(readdirSync(shared), [], 'nothing written to a refused directory');
    const allowed = await startServer({ dataDir: shared, args: ['--allow-shared-data-dir'] });
    await allowed.stop();
  } finally {
    rmSync(shared, { recursive: true, force: true });
  }
});

test('Host is never reflected: links come from the public URL', async () => {
  await api.createUser({ activate: false });
  await api.createUser({ activate: false });
  const evil = 'a>; rel="next", <http://evil.com';
  const res = await rawRequest(server.port, `GET /api/v1/users?limit=1 HTTP/1.1\r\nHost: ${evil}\r\n` +
    `Authorization: SSWS ${server.token}\r\nAccept: application/json\r\nConnection: close\r\n\r\n`);
  assert.match(res, /^HTTP\/1\.1 200 /);
  assert.ok(!res.includes('evil.com'), res.slice(0, 2000));
  const linkLines = res.split('\r\n').filter((l) => /^link:/i.test(l));
  assert.ok(linkLines.length >= 1);
  for (const l of linkLines) assert.ok(l.includes(`<${server.base}/api/v1/users?`), l);
  // An allowed host may stand in, spelled as configured.
  const s = await startServer({ args: ['--allowed-host', 'idp.example.com:8443', '--public-url', 'https://org.example.com'] });
  try {
    const viaAllowed = await s.client().get('/api/v1/users/me', { headers: {} });
    assert.ok(viaAllowed.body._links.self.href.startsWith('https://org.example.com/api/v1/users/'));
    const r = await rawRequest(s.port, `GET /api/v1/users/me HTTP/1.1\r\nHost: IDP.example.com:8443\r\n` +
      `Authorization: SSWS ${s.token}\r\nConnection: close\r\n\r\n`);
    assert.match(r, /"href":"https:\/\/idp\.example\.com:8443\/api\/v1\/users\//);
  } finally {
    await s.stop();
  }
});

test('HEAD answers a GET route with headers only, and keep-alive survives it', async () => {
  const both = await rawRequest(server.port,
    `HEAD /api/v1/users/me HTTP/1.1\r\nHost: x\r\nAuthorization: SSWS ${server.token}\r\n\r\n` +
    `GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
  const [head, rest] = [both.slice(0, both.indexOf('\r\n\r\n')), both.slice(both.indexOf('\r\n\r\n') + 4)];
  assert.match(head, /^HTTP\/1\.1 200 /);
  assert.match(head, /content-length: [1-9]\d*/i);
  assert.match(rest, /^HTTP\/1\.1 200 /, 'the next response follows at once: HEAD sent no body');
  assert.match(rest, /"status":"ok"/);
  const unknown = await fetch(server.base + '/api/v1/nothing', { method: 'HEAD' });
  assert.equal(unknown.status, 404);
});

test('malformed HTTP gets an Okta error and a closed connection, never silence', async () => {
  const cases = [
    ['GET /' + 'a'.repeat(70_000) + ' HTTP/1.1\r\nHost: x\r\n\r\n', 414],
    ['GET / HTTP/1.1\r\nHost: x\r\n' + 'X-Big: '.concat('b'.repeat(8000), '\r\n').repeat(10) + '\r\n', 431],
    ['POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400],
    ['POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}', 400],
    ['POST /api/v1/users HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400],
    ['PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 505],
    ['GET /healthz HTTP/1.1\r\nAccept: */*\r\n\r\n', 400],
  ];
  for (const [bytes, status] of cases) {
    const res = await rawRequest(server.port, bytes);
    assert.match(res, new RegExp(`^HTTP/1\\.1 ${status} `), `${JSON.stringify(bytes.slice(0, 60))} -> ${res.slice(0, 200)}`);
    assert.match(res, /"errorCode":"E00000\d\d"/);
    assert.match(res, /connection: close/i);
  }
  assert.equal((await api.get('/healthz')).status, 200);
});

test('a client header named like an internal flag changes nothing', async () => {
  const login = `flag-${Date.now()}@example.com`;
  const res = await api.post('/api/v1/users?activate=false',
    { profile: { firstName: 'F', lastName: 'L', email: login, login } },
    { headers: { 'x-idledger-body-too-large': '1' } });
  assert.equal(res.status, 200, res.text);
});

test('responses that may carry secrets are never cached', async () => {
  const u = await api.createUser({ activate: false });
  const act = await api.post(`/api/v1/users/${u.id}/lifecycle/activate?sendEmail=false`);
  assert.equal(act.status, 200, act.text);
  assert.ok(act.body.activationToken);
  assert.match(act.headers.get('cache-control'), /no-store/);
  const minted = await api.post('/api/v1/api-tokens', { name: 'n', userId: u.id });
  assert.match(minted.headers.get('cache-control'), /no-store/);
});

test('System Log pages carry every bound: both orders see every event across windows over 7 days', async () => {
  const s = await startServer({ args: ['--test-hooks'] });
  try {
    const a = s.client();
    for (let i = 0; i < 3; i++) await a.createUser({ activate: false });
    assert.equal((await a.post('/api/v1/_test/clock', { advanceMs: 10 * 24 * 3600 * 1000 })).status, 200);
    for (let i = 0; i < 3; i++) await a.createUser({ activate: false });
    const walk = async (order) => {
      const seen = [];
      let url = `/api/v1/logs?since=2018-01-26T00:00:00Z&until=2038-01-26T00:00:00Z&q=user&limit=2&sortOrder=${order}`;
      for (let pages = 0; url && pages < 100; pages++) {
        const res = await a.get(url);
        assert.equal(res.status, 200, res.text);
        seen.push(...res.body.map((e) => e.uuid));
        const next = links(res).next;
        url = next ? next.slice(s.base.length) : null;
      }
      return seen;
    };
    const asc = await walk('ASCENDING');
    const desc = await walk('DESCENDING');
    assert.ok(asc.length >= 6, `${asc.length} events`);
    assert.deepEqual([...desc].reverse(), asc);
    assertOktaError(assert, await a.get('/api/v1/logs?since=2026-02-30T00:00:00Z'), 400, 'E0000001');
    assertOktaError(assert, await a.get('/api/v1/logs?until=2026-01-01T00:00:00%2B25:00'), 400, 'E0000001');
  } finally {
    await s.stop();
  }
});

test('Okta contract: federated users, forgot password, transition targets and links that work', async () => {
  const fedLogin = `fed-${Date.now()}@example.com`;
  const fed = await api.post('/api/v1/users?provider=true&activate=true', {
    profile: { firstName: 'F', lastName: 'D', email: fedLogin, login: fedLogin },
    credentials: { provider: { type: 'FEDERATION', name: 'FEDERATION' } } });
  assert.equal(fed.status, 200, fed.text);
  assertOktaError(assert, await api.post(`/api/v1/users/${fed.body.id}/lifecycle/expire_password?tempPassword=true`), 403, 'E0000038');
  assertOktaError(assert, await api.post(`/api/v1/users/${fed.body.id}/lifecycle/expire_password_with_temp_password`), 403, 'E0000038');
  assert.equal((await api.get(`/api/v1/users/${fed.body.id}`)).body.credentials.provider.type, 'FEDERATION');

  const noQuestion = await api.createUser({ password: STRONG_PASSWORD });
  assert.equal(noQuestion._links.forgotPassword, undefined);
  assertOktaError(assert, await api.post(`/api/v1/users/${noQuestion.id}/credentials/forgot_password?sendEmail=false`), 403, 'E0000034');

  const withQuestion = await api.createUser({ password: STRONG_PASSWORD, recovery: { question: 'Q?', answer: 'forty two' } });
  const before = (await api.get(`/api/v1/users/${withQuestion.id}`)).body.lastUpdated;
  const forgot = await api.post(`/api/v1/users/${withQuestion.id}/credentials/forgot_password?sendEmail=false`);
  assert.equal(forgot.status, 200, forgot.text);
  assert.equal((await api.get(`/api/v1/users/${withQuestion.id}`)).body.lastUpdated, before);

  // PASSWORD_EXPIRED offers no link that would answer an error.
  assert.equal((await api.post(`/api/v1/users/${withQuestion.id}/lifecycle/expire_password`)).status, 200);
  const expired = (await api.get(`/api/v1/users/${withQuestion.id}`)).body;
  assert.equal(expired.status, 'PASSWORD_EXPIRED');
  assert.equal(expired._links.changeRecoveryQuestion, undefined);
  assert.equal(expired._links.forgotPassword, undefined);
  assert.equal(expired._links.schema, undefined);

  // An activation in flight targets ACTIVE (even without a password) and links only deactivate.
  const s = await startServer({ args: ['--workers', '0'] });
  try {
    const a = s.client();
    const staged = await a.createUser({ activate: false });
    const res = await a.post(`/api/v1/users/${staged.id}/lifecycle/activate?sendEmail=false`, undefined,
                             { headers: { Prefer: 'respond-async' } });
    assert.equal(res.status, 202, res.text);
    const pending = (await a.get(`/api/v1/users/${staged.id}`)).body;
    assert.equal(pending.transitioningToStatus, 'ACTIVE');
    assert.deepEqual(Object.keys(pending._links).sort(), ['deactivate', 'self']);
  } finally {
    await s.stop();
  }
});

test('listing: a user id as after, and unknown sortBy or sortOrder refused', async () => {
  const page1 = await api.get('/api/v1/users?limit=1');
  assert.equal(page1.body.length, 1);
  const byId = await api.get(`/api/v1/users?limit=1&after=${page1.body[0].id}`);
  assert.equal(byId.status, 200, byId.text);
  const byCursor = await api.get(links(page1).next.slice(server.base.length));
  assert.deepEqual(byId.body.map((u) => u.id), byCursor.body.map((u) => u.id));
  assertOktaError(assert, await api.get('/api/v1/users?search=' + encodeURIComponent('status eq "ACTIVE"') + '&sortBy=profile.login&sortOrder=sideways'), 400, 'E0000001');
  assertOktaError(assert, await api.get('/api/v1/users?search=' + encodeURIComponent('status eq "ACTIVE"') + '&sortBy=nonsense'), 400, 'E0000031');
  assert.equal((await api.get('/api/v1/users?search=' + encodeURIComponent('status eq "ACTIVE"') + '&sortBy=profile.login&sortOrder=DESC')).status, 200);
});

test('PUT with credentials only keeps the profile; reset_password?provider=FEDERATION converts', async () => {
  const u = await api.createUser({ password: STRONG_PASSWORD });
  await clockPast(u.passwordChanged);
  const put = await api.put(`/api/v1/users/${u.id}`, { credentials: { password: { value: 'Another-Pass-77' } } });
  assert.equal(put.status, 200, put.text);
  assert.deepEqual(put.body.profile, u.profile);
  assert.notEqual(put.body.passwordChanged, u.passwordChanged);
  assertOktaError(assert, await api.put(`/api/v1/users/${u.id}`, {}), 400, 'E0000001');

  assertOktaError(assert, await api.post(`/api/v1/users/${u.id}/lifecycle/reset_password?provider=FEDERATION&sendEmail=true`), 400, 'E0000001');
  assertOktaError(assert, await api.post(`/api/v1/users/${u.id}/lifecycle/reset_password?provider=LDAP&sendEmail=false`), 400, 'E0000001');
  const conv = await api.post(`/api/v1/users/${u.id}/lifecycle/reset_password?provider=FEDERATION&sendEmail=false`);
  assert.equal(conv.status, 200, conv.text);
  assert.deepEqual(conv.body, {});
  const fed = (await api.get(`/api/v1/users/${u.id}`)).body;
  assert.equal(fed.status, 'ACTIVE');
  assert.deepEqual(fed.credentials.provider, { type: 'FEDERATION', name: 'FEDERATION' });
  assert.equal(fed.credentials.password, undefined);
  assert.equal(fed._links.resetPassword, undefined);
  assertOktaError(assert, await api.post(`/api/v1/users/${u.id}/lifecycle/reset_password?provider=FEDERATION&sendEmail=false`), 403, 'E0000017');
});

test('forgot password with the recovery answer on today\'s path', async () => {
  const u = await api.createUser({ password: STRONG_PASSWORD, recovery: { question: 'Q?', answer: 'forty two' } });
  const path = `/api/v1/users/${u.id}/credentials/forgot_password_recovery_question`;
  assertOktaError(assert, await api.post(path, { password: { value: 'Brand-New-Pass-5' }, recovery_question: { answer: 'wrong' } }), 403, 'E0000087');
  const ok = await api.post(path, { password: { value: 'Brand-New-Pass-5' }, recovery_question: { answer: 'forty two' } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.body.recovery_question.question, 'Q?');
  assertOktaError(assert, await api.post(path, undefined), 400, 'E0000003');
});

test('input limits: too many groupIds, emoji deep in a profile, a profile over 64 KiB', async () => {
  const login = `lim-${Date.now()}@example.com`;
  const base = { firstName: 'L', lastName: 'M', email: login, login };
  const many = await api.post('/api/v1/users', { profile: base, groupIds: Array.from({ length: 101 }, (_, i) => `00g${i}`) });
  assertOktaError(assert, many, 400, 'E0000093');
  // An unknown group: Okta's own answer for a group it does not have.
  const unknown = await api.post('/api/v1/users', { profile: base, groupIds: ['00gNoSuchGroup000001'] });
  assertOktaError(assert, unknown, 404, 'E0000007');
  assert.equal(unknown.body.errorSummary, 'Not found: Resource not found: 00gNoSuchGroup000001 (UserGroup)');
  assert.deepEqual(unknown.body.errorCauses, []);
  const deep = await api.post('/api/v1/users', { profile: { ...base, tags: [{ x: 'ok' }, { y: 'smile \u{1F600}' }] } });
  assertOktaError(assert, deep, 400, 'E0000001');
  assert.match(deep.body.errorCauses[0].errorSummary, /^tags: /);
  const named = await api.post('/api/v1/users', { profile: { ...base, 'bad\nname': 1 } });
  assertOktaError(assert, named, 400, 'E0000001');
  const big = await api.post('/api/v1/users', { profile: { ...base, blob: 'x'.repeat(70_000) } });
  assertOktaError(assert, big, 400, 'E0000001');
  assert.match(big.body.errorCauses[0].errorSummary, /^profile: The profile cannot exceed 65536 bytes/);
  assertOktaError(assert, await api.get(`/api/v1/users/${login}`), 404, 'E0000007');
});

test('large list pages run off the I/O threads: healthz answers meanwhile', async () => {
  const s = await startServer();
  try {
    const a = s.client();
    for (let i = 0; i < 20; i++)
      await a.createUser({ activate: false, profile: { blob: 'y'.repeat(60_000) } });
    const lists = Array.from({ length: 4 }, () => a.get('/api/v1/users?limit=200'));
    const started = Date.now();
    assert.equal((await a.get('/healthz')).status, 200);
    const healthzMs = Date.now() - started;
    for (const r of await Promise.all(lists)) assert.equal(r.body.length, 21);  // and the admin
    assert.ok(healthzMs < 1000, `healthz took ${healthzMs} ms while lists ran`);
  } finally {
    await s.stop();
  }
});

test('control characters in a name never reach an e-mail as lines of their own', async () => {
  const s = await startServer();
  try {
    const a = s.client();
    const login = `ctl-${Date.now()}@example.com`;
    const created = await a.post('/api/v1/users?activate=true', {
      profile: { firstName: 'Bob\r\nBcc: victim@example.com\r\n', lastName: 'X', email: login, login } });
    assert.equal(created.status, 200, created.text);
    const mail = await eventually(() => {
      try {
        const files = readdirSync(join(s.dir, 'mail')).filter((f) => f.endsWith('.eml'));
        return files.length ? readFileSync(join(s.dir, 'mail', files[0]), 'utf8') : null;
      } catch { return null; }
    }, 'the activation e-mail');
    assert.ok(!/\r\nBcc:/.test(mail), mail);
    assert.match(mail, /Hello Bob {2}Bcc: victim@example.com {2}/);
  } finally {
    await s.stop();
  }
});

/// Opens `n` TCP connections that send nothing; resolves once all are connected (or refused).
async function idleSockets(port, n) {
  const { connect } = await import('node:net');
  return Promise.all(Array.from({ length: n }, () => new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.on('connect', () => resolve(s));
    s.on('error', () => resolve(s));
  })));
}

/// A keep-alive connection that has shown a working token; `get` sends one more request on it.
async function trustedConnection(port, token) {
  const { connect } = await import('node:net');
  const s = connect(port, '127.0.0.1');
  await new Promise((r) => s.on('connect', r));
  let buffer = '';
  s.on('data', (d) => { buffer += d.toString('latin1'); });
  const get = async () => {
    buffer = '';
    s.write(`GET /api/v1/users/me HTTP/1.1\r\nHost: x\r\nAuthorization: SSWS ${token}\r\n\r\n`);
    return eventually(() => (/\r\n\r\n[\s\S]*"id"/.test(buffer) ? buffer : null), 'an answer on the kept connection', 10_000);
  };
  await get();
  return { socket: s, get };
}

test('connections are capped: an idle, tokenless flood is closed first, trusted clients stay', async () => {
  const s = await startServer({ args: ['--max-connections', '20'] });
  const sockets = [];
  try {
    const trusted = await trustedConnection(s.port, s.token);
    sockets.push(trusted.socket, ...await idleSockets(s.port, 60));
    // New clients are served: idle connections that never showed a token made room.
    const res = await eventually(async () => {
      try { return await s.client().get('/api/v1/users/me'); } catch { return null; }
    }, 'a request while flooded');
    assert.equal(res.status, 200);
    assert.match(await trusted.get(), /^HTTP\/1\.1 200 /);
  } finally {
    for (const sock of sockets) sock.destroy();
    await s.stop();
  }
});

test('out of descriptors: the server backs off instead of spinning, and recovers', async () => {
  const s = await startServer({ fdLimit: 400 });
  const sockets = [];
  try {
    sockets.push(...await idleSockets(s.port, 700));
    const res = await eventually(async () => {
      try { return await s.client().get('/api/v1/users/me'); } catch { return null; }
    }, 'a request while out of descriptors', 20_000);
    assert.equal(res.status, 200);
    // Not spinning: the server's CPU time over a second of flood stays far below a core.
    const cpu = () => readFileSync(`/proc/${s.child.pid}/stat`, 'utf8').split(') ')[1].split(' ')
      .slice(11, 13).reduce((a, b) => a + Number(b), 0);
    const before = cpu();
    const started = Date.now();
    await eventually(() => Date.now() - started >= 1000, 'a second to pass');
    const ticksPerSecond = 100;
    assert.ok((cpu() - before) / ticksPerSecond < 0.5, `server used ${(cpu() - before)} ticks in a second`);
  } finally {
    for (const sock of sockets) sock.destroy();
    await s.stop();
  }
});

test('an e-mail file that cannot be written now is retried through the lifecycle, then delivered', async () => {
  const { writeFileSync, unlinkSync, existsSync } = await import('node:fs');
  const s = await startServer({ args: ['--request-retry-ms', '1000', '--email-retry-rounds', '20'] });
  try {
    const a = s.client();
    const mailDir = join(s.dir, 'mail');
    if (existsSync(mailDir)) rmSync(mailDir, { recursive: true, force: true });
    writeFileSync(mailDir, 'not a directory');  // every write fails, as on a full disk
    const u = await a.createUser({ activate: false });
    assert.equal((await a.post(`/api/v1/users/${u.id}/lifecycle/activate?sendEmail=true`, undefined,
                               { headers: { Prefer: 'respond-async' } })).status, 202);
    const metric = async (name) => Number((await a.get('/metrics')).text.match(new RegExp(`^${name} (\\d+)$`, 'm'))?.[1]);
    await eventually(async () => await metric('idledger_lifecycle_emails_retried_total') >= 1, 'a retried round');
    unlinkSync(mailDir);  // the disk has room again
    await eventually(async () => (await a.get(`/api/v1/users/${u.id}`)).body.status === 'PROVISIONED', 'the activation');
    const types = (await a.get(`/api/v1/users/${u.id}/history`)).body.map((e) => e.type);
    assert.ok(types.includes('UserEmailDelivered'), types.join(','));
    assert.ok(!types.includes('UserEmailFailed'), types.join(','));
  } finally {
    await s.stop();
  }
});

test('librdkafka properties pass through (SASL/SSL on real clusters); a wrong one is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'idledger-kprop-'));
  try {
    const bad = spawnSync(BIN, ['serve', '--listen', '127.0.0.1:0', '--data-dir', dir,
                                '--kafka-property', 'no.such.property=1'], { timeout: 60_000 });
    assert.notEqual(bad.status, 0);
    assert.match(bad.stderr.toString(), /no\.such\.property: No such configuration property/);
    const s = await startServer({ args: ['--kafka-property', 'socket.keepalive.enable=true'] });
    await s.stop();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
