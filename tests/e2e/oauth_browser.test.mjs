// The authorization server's pages in a real browser: headless Chromium (Debian's, driven by
// playwright-core) follows /authorize to the sign-in page, types the credentials, allows the
// consent page, and lands on the relying party's callback page (its own loopback site) with a
// code that the test exchanges (PKCE, public client). A second trip rides the browser's session
// cookie: no sign-in page and no consent again.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { startServer, STRONG_PASSWORD } from './harness.mjs';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

let server, admin, browser, site, siteServer;

before(async () => {
  server = await startServer();
  admin = server.client();
  siteServer = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>callback</title><p id="landed">Signed in</p>');
  });
  await new Promise((r) => siteServer.listen(0, '127.0.0.1', r));
  site = `http://127.0.0.1:${siteServer.address().port}`;
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
});

after(async () => {
  await browser?.close();
  siteServer?.close();
  await server?.stop();
});

const b64url = (buf) => buf.toString('base64url');

function authorizeUrl(clientId, redirect, state) {
  const verifier = b64url(randomBytes(32));
  const challenge = b64url(createHash('sha256').update(verifier).digest());
  const u = new URL(`${server.base}/oauth2/default/v1/authorize`);
  for (const [k, v] of Object.entries({ client_id: clientId, response_type: 'code', scope: 'openid profile email',
    redirect_uri: redirect, state, nonce: b64url(randomBytes(12)), code_challenge: challenge, code_challenge_method: 'S256' }))
    u.searchParams.set(k, v);
  return { url: u.toString(), verifier };
}

async function exchange(clientId, redirect, code, verifier) {
  const res = await fetch(`${server.base}/oauth2/default/v1/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'authorization_code', client_id: clientId, redirect_uri: redirect, code, code_verifier: verifier }),
  });
  return { status: res.status, body: await res.json() };
}

test('Chromium signs in on the sign-in page, allows consent, and lands on the callback with a code', async () => {
  const redirect = `${site}/callback`;
  const app = await admin.post('/api/v1/apps', {
    name: 'oidc_client', label: 'Browser RP', signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'none' } },
    settings: { oauthClient: { redirect_uris: [redirect], response_types: ['code'], grant_types: ['authorization_code'],
      application_type: 'browser', consent_method: 'REQUIRED' } },
  });
  assert.equal(app.status, 200, app.text);
  assert.equal((await admin.post('/api/v1/trustedOrigins', { name: 'rp', origin: site, scopes: [{ type: 'REDIRECT' }, { type: 'CORS' }] })).status, 200);
  const user = await admin.createUser({ password: STRONG_PASSWORD });
  assert.equal((await admin.post(`/api/v1/apps/${app.body.id}/users`, { id: user.id })).status, 200);

  const context = await browser.newContext();
  const page = await context.newPage();
  const first = authorizeUrl(app.body.id, redirect, 'state-one');
  await page.goto(first.url);
  await page.fill('#username', user.profile.login);
  await page.fill('#password', STRONG_PASSWORD);
  await page.click('#sign-in');
  await page.waitForSelector('#allow', { timeout: 30_000 });
  await page.click('#allow');
  await page.waitForURL((u) => u.toString().startsWith(redirect), { timeout: 30_000 });
  assert.equal(await page.textContent('#landed'), 'Signed in');
  const landed = new URL(page.url());
  assert.equal(landed.searchParams.get('state'), 'state-one');
  const tokens = await exchange(app.body.id, redirect, landed.searchParams.get('code'), first.verifier);
  assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
  assert.ok(tokens.body.id_token);
  const claims = JSON.parse(Buffer.from(tokens.body.access_token.split('.')[1], 'base64url').toString());
  assert.equal(claims.uid, user.id);

  // The browser's session cookie signs the second trip in; consent was remembered.
  const second = authorizeUrl(app.body.id, redirect, 'state-two');
  await page.goto(second.url);
  await page.waitForURL((u) => u.toString().startsWith(redirect), { timeout: 30_000 });
  const again = new URL(page.url());
  assert.equal(again.searchParams.get('state'), 'state-two');
  assert.equal((await exchange(app.body.id, redirect, again.searchParams.get('code'), second.verifier)).status, 200);
  await context.close();
});
