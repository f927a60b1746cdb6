#!/usr/bin/env node
// Regenerates docs/conformance-report.md: runs the validator over the spec-conformance corpus
// (../shared/data/a_spec_conformance, or $VCF_AGENT_SHARED_DATA/a_spec_conformance) exactly as
// test/conformance.test.ts does, and lists every disagreement.
// Usage: npm run build && node scripts/conformance-report.js [--stdout]
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const shared = process.env.VCF_AGENT_SHARED_DATA ?? path.resolve(root, '..', 'shared', 'data');
const corpus = path.join(shared, 'a_spec_conformance');
if (!fs.existsSync(path.join(corpus, 'INVALID_RULES.tsv'))) {
  process.stderr.write(`conformance-report: ${corpus} not found (set VCF_AGENT_SHARED_DATA)\n`);
  process.exit(2);
}
const h = await import(path.join(root, 'dist', 'test', 'conformance', 'harness.js'));
const s = await h.runConformance(corpus);
const md = h.renderReport(s);
if (process.argv.includes('--stdout')) process.stdout.write(md);
else {
  const out = path.join(root, 'docs', 'conformance-report.md');
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, md);
  process.stdout.write(`${h.figures(s)}\nwrote ${path.relative(process.cwd(), out)}\n`);
}
