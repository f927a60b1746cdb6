#!/usr/bin/env node
// Runs the compiled test suites with node's test runner (spec reporter: each suite with its time).
// Usage: node scripts/run-tests.js [pattern...]   (patterns filter dist/test/**/*.test.js by substring)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dir = path.join(root, 'dist', 'test');
function walk(d) {
  return fs.readdirSync(d, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
}
const pats = process.argv.slice(2);
const files = walk(dir).filter((f) => f.endsWith('.test.js')).filter((f) => !pats.length || pats.some((p) => f.includes(p))).sort();
const t0 = Date.now();
const r = spawnSync(process.execPath, ['--test', '--test-reporter=spec', '--test-concurrency=2', ...files], { stdio: 'inherit', cwd: root });
process.stdout.write(`\ntest run took ${((Date.now() - t0) / 1000).toFixed(1)} s (${files.length} suites)\n`);
process.exit(r.status ?? 1);
