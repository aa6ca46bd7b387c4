// Starts a real idledger server on 127.0.0.1, port 0, in a fresh data directory, and offers a
// small HTTP client for tests. Every test file gets its own server.

import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';

export const BIN = process.env.IDLEDGER_BIN ?? new URL('../../build/idledger', import.meta.url).pathname;

/// `fdLimit`: start the server under `ulimit -n fdLimit` (soft and hard). `command`: `replica`
/// starts a read replica instead (its options in `args`, its environment added from `env`).
export async function startServer({ dataDir, token, args = [], fdLimit, command = 'serve', env = {} } = {}) {
  const dir = dataDir ?? mkdtempSync(join(tmpdir(), 'idledger-e2e-'));
  const tok = token ?? 'e2e-' + randomBytes(16).toString('hex');
  const argv = [command, '--listen', '127.0.0.1:0', '--data-dir', dir,
                '--argon2-memory-kib', '8192', '--argon2-iterations', '1',
                // A synchronous lifecycle call answers once its worker is done, or after this
                // wait. CI runs two sanitized servers on two cores, one of them often flooding;
                // a round trip through Kafka has taken over 10 s there, so tests about the status
                // machine wait longer (a test about the wait itself passes its own).
                '--sync-wait-ms', '60000', ...args];
  const [cmd, cmdArgs] = fdLimit
    ? ['sh', ['-c', `ulimit -n ${fdLimit} && exec "$0" "$@"`, BIN, ...argv]]
    : [BIN, argv];
  const child = spawn(cmd, cmdArgs, {
    env: { ...process.env, IDLEDGER_BOOTSTRAP_TOKEN: tok, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const port = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('server did not start: ' + out + stderr)), 120_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`server exited ${code}: ${stderr}`)); });
  });
  child.stdout.resume();
  const base = `http://127.0.0.1:${port}`;
  return {
    base, port, token: tok, dir, child,
    stderr: () => stderr,
    async stop({ keepData = false, signal = 'SIGTERM' } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', (code) => r(code)));
        child.kill(signal);
        const code = await exited;
        // A graceful stop must end cleanly: under the sanitizers a leak or error report at exit
        // makes the exit code non-zero.
        if (signal === 'SIGTERM' && code !== 0) throw new Error(`server exited ${code} on SIGTERM: ${stderr}`);
      }
      if (!keepData) rmSync(dir, { recursive: true, force: true });
    },
    client(tokenOverride) { return new Client(base, tokenOverride ?? tok); },
  };
}

export class Client {
  constructor(base, token) { this.base = base; this.token = token; }

  async request(method, path, { body, headers = {}, raw = false } = {}) {
    const h = { Accept: 'application/json', ...headers };
    if (this.token !== null) h.Authorization = `SSWS ${this.token}`;
    let payload;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['Content-Type'] ??= 'application/json';
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload });
    const text = await res.text();
    let json;
    if (text.length && (res.headers.get('content-type') ?? '').includes('json')) json = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: json, text };
  }
  get(p, o) { return this.request('GET', p, o); }
  post(p, body, o = {}) { return this.request('POST', p, { ...o, body }); }
  put(p, body, o = {}) { return this.request('PUT', p, { ...o, body }); }
  delete(p, o) { return this.request('DELETE', p, o); }

  /// Creates a user with a unique login; returns the response body.
  async createUser({ activate, password, profile = {}, query = '', recovery } = {}) {
    const login = profile.login ?? `user-${randomBytes(6).toString('hex')}@example.com`;
    const body = {
      profile: { firstName: 'Test', lastName: 'User', email: login, login, ...profile },
    };
    if (password || recovery) body.credentials = {};
    if (password) body.credentials.password = { value: password };
    if (recovery) body.credentials.recovery_question = recovery;
    const qs = [activate === undefined ? '' : `activate=${activate}`, query].filter(Boolean).join('&');
    const res = await this.post('/api/v1/users' + (qs ? `?${qs}` : ''), body);
    if (res.status !== 200) throw new Error(`create failed ${res.status}: ${res.text}`);
    return res.body;
  }
}

/// Starts `idledger worker` against a server's Kafka bootstrap; returns the child process.
export async function startWorker(bootstrap, args = []) {
  const child = spawn(BIN, ['worker', '--kafka-brokers', bootstrap, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('worker did not start: ' + out + err)), 30_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('consumer(s) in group')) { clearTimeout(timer); resolve(); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`worker exited ${code}: ${err}`)); });
  });
  child.stdout.resume();
  return child;
}

/// Polls `fn` until it returns a truthy value (returned) or `ms` pass (throws with `what`).
export async function eventually(fn, what, ms = 20_000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting for ' + what);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/// Okta's error object shape.
export function assertOktaError(assert, res, status, code) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.body.errorCode, code, res.text);
  assert.equal(res.body.errorLink, code);
  assert.match(res.body.errorId, /^oae[A-Za-z0-9]{22}$/);
  assert.ok(Array.isArray(res.body.errorCauses));
  assert.equal(typeof res.body.errorSummary, 'string');
}

/// All `Link` header values (fetch joins repeated headers with ", ").
export function links(res) {
  const out = {};
  const raw = res.headers.get('link') ?? '';
  for (const m of raw.matchAll(/<([^>]+)>;\s*rel="([^"]+)"/g)) out[m[2]] = m[1];
  return out;
}

export const STRONG_PASSWORD = 'Tr0ub4dor-Horse-9';

/// Sends `bytes` as they are on a fresh TCP connection and resolves with everything the server
/// sent until it closed the connection (or `ms` passed: then what arrived so far).
export async function rawRequest(port, bytes, ms = 5_000) {
  const { connect } = await import('node:net');
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let out = '';
    const timer = setTimeout(() => { socket.destroy(); resolve(out); }, ms);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (d) => { out += d.toString('latin1'); });
    socket.on('close', () => { clearTimeout(timer); resolve(out); });
    socket.on('error', (e) => { clearTimeout(timer); if (out) resolve(out); else reject(e); });
  });
}

/// Waits (bounded) until the wall clock has passed `iso`, so that a later write gets a later
/// millisecond timestamp than the one read: a condition, not a fixed sleep.
export async function clockPast(iso) {
  const t = Date.parse(iso);
  await eventually(() => Date.now() > t, `the clock to pass ${iso}`, 5_000);
}
