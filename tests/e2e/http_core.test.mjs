// The HTTP core: authentication, errors, headers, limits, API tokens, operational endpoints.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, Client, assertOktaError, rawRequest } from './harness.mjs';

let server, api;
before(async () => { server = await startServer({ args: ['--rate-limit', 'api-tokens=5'] }); api = server.client(); });
after(async () => { await server?.stop(); });

test('no Authorization header is 403 E0000005; an unknown token is 401 E0000011', async () => {
  assertOktaError(assert, await new Client(server.base, null).get('/api/v1/users'), 403, 'E0000005');
  assertOktaError(assert, await new Client(server.base, 'bogus').get('/api/v1/users'), 401, 'E0000011');
  const bearer = await fetch(server.base + '/api/v1/users', { headers: { Authorization: 'Bearer abc' } });
  assert.equal(bearer.status, 401);
});

test('every response carries X-Okta-Request-Id, Date, and rate-limit headers', async () => {
  const res = await api.get('/api/v1/users');
  assert.match(res.headers.get('x-okta-request-id'), /^[A-Za-z0-9]{24}$/);
  assert.match(res.headers.get('date'), /^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d GMT$/);
  assert.ok(Number(res.headers.get('x-rate-limit-limit')) > 0);
  assert.ok(Number(res.headers.get('x-rate-limit-remaining')) >= 0);
  assert.ok(Number(res.headers.get('x-rate-limit-reset')) > Date.now() / 1000);
  for (const refused of [await new Client(server.base, null).get('/api/v1/users'), await api.get('/nope')])
    assert.ok(Number(refused.headers.get('x-rate-limit-limit')) > 0, 'rate-limit headers on errors too');
  const other = await api.get('/api/v1/users');
  assert.notEqual(other.headers.get('x-okta-request-id'), res.headers.get('x-okta-request-id'));
});

test('unknown path is 404 E0000008; wrong method is 405 E0000022', async () => {
  assertOktaError(assert, await api.get('/api/v1/nothing-here'), 404, 'E0000008');
  assertOktaError(assert, await api.request('PATCH', '/api/v1/users'), 405, 'E0000022');
});

test('a body over the limit is refused without a crash', async () => {
  const huge = JSON.stringify({ profile: { login: 'big@example.com', blob: 'x'.repeat(2 * 1024 * 1024) } });
  const res = await api.post('/api/v1/users', huge);
  assert.equal(res.status, 413);
  assert.equal(res.body.errorCode, 'E0000001');
  assert.equal((await api.get('/healthz')).status, 200);
});

test('a non-JSON Content-Type on a body is refused as in Okta\'s table: 400 E0000021', async () => {
  const res = await api.post('/api/v1/users', 'a=b', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
  assertOktaError(assert, res, 400, 'E0000021');
  const jsonx = await api.post('/api/v1/users', '{}', { headers: { 'Content-Type': 'application/jsonx' } });
  assertOktaError(assert, jsonx, 400, 'E0000021');
  // Media types are case-insensitive, parameters allowed.
  const upper = await api.post('/api/v1/users', '{}', { headers: { 'Content-Type': 'APPLICATION/JSON; charset=UTF-8' } });
  assertOktaError(assert, upper, 400, 'E0000001');  // a missing profile, not a media-type error
  // A body with no Content-Type at all is refused the same way.
  const bare = await rawRequest(server.port, 'POST /api/v1/users HTTP/1.1\r\nHost: x\r\n' +
    `Authorization: SSWS ${server.token}\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}`);
  assert.match(bare, /^HTTP\/1\.1 400 /);
  assert.match(bare, /E0000021/);
});

test('over the rate limit: 429 E0000047 with Remaining 0, Reset and Date', async () => {
  let last;
  for (let i = 0; i < 7; i++) last = await api.get('/api/v1/api-tokens');
  assertOktaError(assert, last, 429, 'E0000047');
  assert.equal(last.headers.get('x-rate-limit-remaining'), '0');
  assert.equal(last.headers.get('x-rate-limit-limit'), '5');
  assert.ok(Number(last.headers.get('x-rate-limit-reset')) > 0);
  assert.ok(last.headers.get('date'));
  // Other families are unaffected.
  assert.equal((await api.get('/api/v1/users')).status, 200);
  // The violation is in the System Log (appended in the background: wait with a deadline).
  const deadline = Date.now() + 10_000;
  let violations = [];
  while (violations.length === 0 && Date.now() < deadline) {
    violations = (await api.get('/api/v1/logs?filter=' + encodeURIComponent('eventType eq "system.org.rate_limit.violation"'))).body;
    if (violations.length === 0) await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(violations.length, 1);
  assert.equal(violations[0].outcome.reason, 'RATE_LIMIT:api-tokens');
});

test('healthz, readyz and metrics (metrics need a super admin without --metrics-public)', async () => {
  assert.deepEqual((await new Client(server.base, null).get('/healthz')).body, { status: 'ok' });
  assert.equal((await new Client(server.base, null).get('/readyz')).body.status, 'ready');
  assertOktaError(assert, await new Client(server.base, null).get('/metrics'), 403, 'E0000005');
  const m = (await api.get('/metrics')).text;
  assert.match(m, /idledger_http_requests_total\{route="User_listUsers",status="200"\} \d+/);
  assert.match(m, /idledger_http_request_duration_seconds_bucket\{route="User_listUsers",le="\+Inf"\} \d+/);
  assert.match(m, /idledger_eventstore_fsyncs_total \d+/);
  assert.match(m, /idledger_eventstore_appended_events_total \d+/);
});
