import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './helpers/cli.js';

test('cli: --version and --help exit 0', async () => {
  const v = await runCli(['--version']);
  assert.equal(v.code, 0);
  assert.match(v.stdout, /^\d+\.\d+\.\d+/);
  const h = await runCli(['--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /validate/);
});

test('cli: unknown command is a usage error (exit 2)', async () => {
  const r = await runCli(['no-such-command']);
  assert.equal(r.code, 2);
});
