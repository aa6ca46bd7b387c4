// The embedded Kafka broker speaks the real protocol: kcat lists the lifecycle topics and a
// message produced to one is consumed back.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startServer } from './harness.mjs';

test('kcat lists the lifecycle topics of the embedded broker and round-trips a message', async () => {
  const server = await startServer();
  try {
    const bootstrap = readFileSync(join(server.dir, 'kafka-bootstrap'), 'utf8').trim();
    assert.match(bootstrap, /^127\.0\.0\.1:\d+/);
    const metadata = execFileSync('kcat', ['-b', bootstrap, '-L', '-m', '10'], { timeout: 30_000 }).toString();
    assert.match(metadata, /topic "idledger\.lifecycle\.requests" with 8 partitions/);
    assert.match(metadata, /topic "idledger\.lifecycle\.results" with 8 partitions/);
    execFileSync('kcat', ['-b', bootstrap, '-P', '-t', 'idledger.lifecycle.results', '-p', '0', '-m', '10'],
                 { input: 'hello from kcat\n', timeout: 30_000 });
    const consumed = execFileSync('kcat', ['-b', bootstrap, '-C', '-t', 'idledger.lifecycle.results', '-p', '0',
                                           '-o', 'beginning', '-e', '-c', '1', '-m', '10'], { timeout: 30_000 }).toString();
    assert.equal(consumed.trim(), 'hello from kcat');
  } finally {
    await server.stop();
  }
});
