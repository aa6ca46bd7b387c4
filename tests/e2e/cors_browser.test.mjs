// CORS in a real browser: headless Chromium (Debian's, driven by playwright-core) loads a page
// from another loopback port and calls the API from it. The browser itself decides: the call
// works while the page's origin is an ACTIVE trusted origin with the CORS scope, and is blocked
// for an untrusted origin, after a deactivation, and after a deletion.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { chromium } from 'playwright-core';
import { startServer } from './harness.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

let api, browser, trustedPage, untrustedPage;
const pageServers = [];

/// A tiny site on its own loopback port: its origin is what the browser sends.
async function startSite() {
  const srv = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>cors</title><p>page</p>');
  });
  await new Promise((r) => srv.listen(0, '127.0.0.1', r));
  pageServers.push(srv);
  return `http://127.0.0.1:${srv.address().port}`;
}

/// Runs fetch() inside the page: what the page's script can see of the answer.
async function callFromPage(page, path, init = {}) {
  return page.evaluate(async ({ url, init: i }) => {
    try {
      const res = await fetch(url, i);
      const text = await res.text();
      return { ok: true, status: res.status, requestId: res.headers.get('x-okta-request-id'),
               link: res.headers.get('link'), body: text };
    } catch (e) {
      return { ok: false, error: String(e) };
    }
  }, { url: api.base + path, init });
}

const auth = () => ({ headers: { Authorization: `SSWS ${api.token}`, Accept: 'application/json' } });

before(async () => {
  api = await startServer();
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  const trustedSite = await startSite();
  const untrustedSite = await startSite();
  trustedPage = await browser.newPage();
  await trustedPage.goto(trustedSite);
  untrustedPage = await browser.newPage();
  await untrustedPage.goto(untrustedSite);
  api.trustedSite = trustedSite;
});

after(async () => {
  await browser?.close();
  for (const s of pageServers) s.close();
  await api?.stop();
});

test('a trusted CORS origin reads responses; untrusted, deactivated and deleted origins are blocked by the browser', async () => {
  const admin = api.client();
  // Not trusted yet: the browser refuses to hand the answer to the page.
  let r = await callFromPage(trustedPage, '/api/v1/users/me', auth());
  assert.equal(r.ok, false, JSON.stringify(r));

  const created = await admin.post('/api/v1/trustedOrigins', {
    name: 'browser page', origin: api.trustedSite, scopes: [{ type: 'CORS' }],
  });
  assert.equal(created.status, 200, created.text);
  const id = created.body.id;

  // Trusted: the preflight for Authorization passes and the page reads the body and the exposed
  // headers.
  r = await callFromPage(trustedPage, '/api/v1/users/me', auth());
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.status, 200);
  assert.equal(JSON.parse(r.body).id !== undefined, true);
  assert.ok(r.requestId, 'X-Okta-Request-Id is exposed');
  r = await callFromPage(trustedPage, '/api/v1/users?limit=1', auth());
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.match(r.link ?? '', /rel="self"/, 'Link is exposed');
  // A write with a JSON body (Content-Type needs the preflight too), and an error answer: the
  // page reads Okta's error object.
  r = await callFromPage(trustedPage, '/api/v1/templates/sms', {
    method: 'POST', headers: { ...auth().headers, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'x', type: 'SMS_VERIFY_CODE', template: 'no code here' }),
  });
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal(r.status, 400);
  assert.equal(JSON.parse(r.body).errorCode, 'E0000001');

  // Another origin is not trusted.
  r = await callFromPage(untrustedPage, '/api/v1/users/me', auth());
  assert.equal(r.ok, false, JSON.stringify(r));

  // Deactivated: withdrawn at once, even though the browser cached the preflight.
  assert.equal((await admin.post(`/api/v1/trustedOrigins/${id}/lifecycle/deactivate`)).status, 200);
  r = await callFromPage(trustedPage, '/api/v1/users/me', auth());
  assert.equal(r.ok, false, JSON.stringify(r));

  assert.equal((await admin.post(`/api/v1/trustedOrigins/${id}/lifecycle/activate`)).status, 200);
  r = await callFromPage(trustedPage, '/api/v1/users/me', auth());
  assert.equal(r.ok, true, JSON.stringify(r));

  // A REDIRECT-only origin does not allow CORS.
  const put = await admin.put(`/api/v1/trustedOrigins/${id}`, {
    name: 'browser page', origin: api.trustedSite, scopes: [{ type: 'REDIRECT' }],
  });
  assert.equal(put.status, 200, put.text);
  r = await callFromPage(trustedPage, '/api/v1/users/me', auth());
  assert.equal(r.ok, false, JSON.stringify(r));

  // Deleted.
  await admin.put(`/api/v1/trustedOrigins/${id}`, { name: 'browser page', origin: api.trustedSite, scopes: [{ type: 'CORS' }] });
  r = await callFromPage(trustedPage, '/api/v1/users/me', auth());
  assert.equal(r.ok, true, JSON.stringify(r));
  assert.equal((await admin.delete(`/api/v1/trustedOrigins/${id}`)).status, 200);
  r = await callFromPage(trustedPage, '/api/v1/users/me', auth());
  assert.equal(r.ok, false, JSON.stringify(r));
});
