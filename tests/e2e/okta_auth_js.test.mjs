// Okta's own sign-in SDK, @okta/okta-auth-js, against the server: it signs in with a password
// through the Authentication API (/api/v1/authn), turns the session token into an authorization
// code (PKCE, prompt=none, no page shown), exchanges the code for tokens, verifies the ID token's
// signature against the server's JWKS, reads userinfo, and revokes the access token.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { OktaAuth } from '@okta/okta-auth-js';
import { startServer, STRONG_PASSWORD } from './harness.mjs';

let server, admin;
before(async () => {
  server = await startServer();
  admin = server.client();
});
after(async () => { await server?.stop(); });

const REDIRECT = 'http://localhost:8080/login/callback';

test('okta-auth-js: signInWithCredentials, code + PKCE from the session token, tokens verified', async () => {
  const app = await admin.post('/api/v1/apps', {
    name: 'oidc_client', label: 'SPA', signOnMode: 'OPENID_CONNECT',
    credentials: { oauthClient: { token_endpoint_auth_method: 'none' } },
    settings: { oauthClient: { redirect_uris: [REDIRECT], response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'], application_type: 'browser' } },
  });
  assert.equal(app.status, 200, app.text);
  const user = await admin.createUser({ password: STRONG_PASSWORD });
  assert.equal((await admin.post(`/api/v1/apps/${app.body.id}/users`, { id: user.id })).status, 200);

  const auth = new OktaAuth({
    issuer: `${server.base}/oauth2/default`, clientId: app.body.id, redirectUri: REDIRECT,
    pkce: true, scopes: ['openid', 'profile', 'email', 'offline_access'],
    tokenManager: { storage: 'memory' }, storageManager: { token: { storageType: 'memory' }, transaction: { storageType: 'memory' } },
  });
  const wrong = auth.signInWithCredentials({ username: user.profile.login, password: 'Wrong-password-1' });
  await assert.rejects(wrong, (e) => e.errorCode === 'E0000004');
  const transaction = await auth.signInWithCredentials({ username: user.profile.login, password: STRONG_PASSWORD });
  assert.equal(transaction.status, 'SUCCESS');
  assert.equal(transaction.user.id, user.id);
  assert.ok(transaction.sessionToken);

  const params = await auth.token.prepareTokenParams();
  const url = new URL(`${server.base}/oauth2/default/v1/authorize`);
  for (const [k, v] of Object.entries({ client_id: app.body.id, redirect_uri: REDIRECT, response_type: 'code',
    scope: params.scopes.join(' '), state: params.state, nonce: params.nonce, code_challenge: params.codeChallenge,
    code_challenge_method: params.codeChallengeMethod, prompt: 'none', sessionToken: transaction.sessionToken })) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: 'manual' });
  assert.equal(res.status, 302);
  const back = new URL(res.headers.get('location'));
  assert.equal(back.searchParams.get('state'), params.state);
  assert.ok(back.searchParams.get('sid') === null);
  assert.match(res.headers.get('set-cookie'), /^sid=102/);

  const { tokens } = await auth.token.exchangeCodeForTokens({ ...params, authorizationCode: back.searchParams.get('code') });
  assert.equal(tokens.idToken.claims.sub, user.id);
  assert.equal(tokens.idToken.claims.email, user.profile.email);
  assert.equal(auth.token.decode(tokens.accessToken.accessToken).payload.uid, user.id);
  assert.ok(tokens.refreshToken.refreshToken);
  const verified = await auth.token.verify(tokens.idToken);
  assert.equal(verified.claims.nonce, params.nonce);

  const info = await auth.token.getUserInfo(tokens.accessToken, tokens.idToken);
  assert.equal(info.preferred_username, user.profile.login);

  const renewed = await auth.token.renewTokensWithRefresh({ scopes: ['openid', 'profile', 'email', 'offline_access'] }, tokens.refreshToken);
  assert.ok(renewed.accessToken.accessToken);
  assert.notEqual(renewed.refreshToken.refreshToken, tokens.refreshToken.refreshToken);

  await auth.token.revoke(renewed.accessToken);
  const after = await fetch(`${server.base}/oauth2/default/v1/userinfo`, { headers: { authorization: `Bearer ${renewed.accessToken.accessToken}` } });
  assert.equal(after.status, 401);
});
