/**
 * The HTML report: opened in headless Debian Chromium (playwright-core, /usr/bin/chromium), with no
 * console error and no network request; the values every chart shows (its data attributes and the
 * embedded JSON) equal `vcf-agent stats -s - --json` for the same file. The cohort example and a
 * generated 1,000-sample file render too. Screenshots go to test-artifacts/ (git-ignored).
 * Without /usr/bin/chromium the browser tests are skipped with a message.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT } from './helpers/shared.js';
import { runCli } from './helpers/cli.js';
import { buildReportData, type ReportData } from '../src/stats/report-data.js';
import { renderReportHtml, embedJson, niceScale } from '../src/report/html.js';
import { defaultReportName } from '../src/cli/report.js';
import type { StatsReport } from '../src/stats/bcfstats.js';

const CHROMIUM = '/usr/bin/chromium';
const SKIP_CHROMIUM = fs.existsSync(CHROMIUM) ? false : `${CHROMIUM} not found (apt-get install -y chromium): browser tests of the report skipped`;
const ARTIFACTS = path.join(ROOT, 'test-artifacts');
const TRIO = path.join(ROOT, 'examples', 'trio.vcf.gz');
const COHORT = path.join(ROOT, 'examples', 'cohort.vcf.gz');

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'vcf-agent-report-test-'));
}

interface PageView {
  data: ReportData;
  charts: Record<string, {
    bars: Array<[string, string, number]>;
    lines: Array<[string, number]>;
    dots: Array<[string, string, number]>;
    samples: Array<Array<[string, number]>>;
  }>;
  rows: string[][];
  cards: string[];
}

/** what the page shows, read in the browser */
const READ_PAGE = `(() => {
  const data = JSON.parse(document.getElementById('vcf-agent-report-data').textContent);
  const charts = {};
  for (const fig of document.querySelectorAll('figure[data-chart]')) {
    charts[fig.dataset.chart] = {
      bars: [...fig.querySelectorAll('rect.bar')].map((r) => [r.dataset.series, r.dataset.label, Number(r.dataset.value)]),
      lines: [...fig.querySelectorAll('[data-points]')].map((p) => [p.dataset.series, Number(p.dataset.points)]),
      dots: [...fig.querySelectorAll('circle.dot')].map((c) => [c.dataset.series, c.dataset.x, Number(c.dataset.value)]),
      samples: [...fig.querySelectorAll('g.smp')].map((g) => [...g.querySelectorAll('[data-value]')].map((e) => [e.dataset.key || 'tsTv', Number(e.dataset.value)])),
    };
  }
  const rows = [...document.querySelectorAll('#sampleTable tbody tr')].map((tr) => [...tr.cells].map((td) => td.textContent));
  const cards = [...document.querySelectorAll('.card')].map((c) => c.textContent);
  return { data, charts, rows, cards };
})()`;

interface Opened { view: PageView; errors: string[]; requests: string[] }

async function openReport(html: string, shot?: string, interact?: (page: import('playwright-core').Page) => Promise<void>): Promise<Opened> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1300, height: 900 } });
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => requests.push(r.url()));
    const url = 'file://' + html;
    await page.goto(url, { waitUntil: 'load' });
    const view = (await page.evaluate(READ_PAGE)) as PageView;
    if (interact) await interact(page);
    if (shot) {
      fs.mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: path.join(ARTIFACTS, shot), fullPage: true });
    }
    return { view, errors, requests: requests.filter((u) => u !== url) };
  } finally {
    await browser.close();
  }
}

/** the chart values, computed here from `stats -s - --json` (independently of report-data.ts) */
function expectedCharts(s: StatsReport) {
  const sn = s.SN.find((r) => r.id === 0)!;
  const t = s.TSTV.find((r) => r.id === 0)!;
  const id0 = <T extends { id: number }>(a: T[]) => a.filter((r) => r.id === 0);
  const q = id0(s.QUAL).filter((r) => r.qual !== null);
  return {
    variantTypes: { labels: ['SNPs', 'MNPs', 'indels', 'others', 'no-ALTs', 'multiallelic'], series: [[sn.snps, sn.mnps, sn.indels, sn.others, sn.noAlts, sn.multiallelicSites]] },
    tstv: { labels: ['transitions', 'transversions'], series: [[t.ts, t.tv], [t.tsAlt1, t.tvAlt1]] },
    substitutions: { labels: id0(s.ST).map((r) => r.type), series: [id0(s.ST).map((r) => r.count)] },
    indelLengths: { labels: id0(s.IDD).map((r) => String(r.length)), series: [id0(s.IDD).map((r) => r.sites)] },
    alleleFrequency: { x: id0(s.AF).map((r) => r.af), series: [id0(s.AF).map((r) => r.snps), id0(s.AF).map((r) => r.indels)] },
    qual: { x: q.map((r) => r.qual), series: [q.map((r) => r.snps), q.map((r) => r.indels)] },
    depth: { x: id0(s.DP).map((r) => r.bin), series: [id0(s.DP).map((r) => r.genotypes), id0(s.DP).map((r) => r.sites)] },
  } as Record<string, { labels?: string[]; x?: unknown[]; series: number[][] }>;
}

/** every chart shows what stats --json says, in the embedded data and in the drawn marks */
function checkAgainstStats(v: PageView, s: StatsReport, file: string): void {
  const exp = expectedCharts(s);
  const d = v.data;
  const sn = s.SN.find((r) => r.id === 0)!;
  assert.equal(d.summary.records, sn.records, `${file}: records`);
  assert.equal(d.summary.snps, sn.snps);
  assert.equal(d.summary.indels, sn.indels);
  assert.equal(d.summary.tsTv, s.TSTV[0].tsTv);
  assert.ok(v.cards.includes(`${sn.records.toLocaleString('en-US')}records`), `${file}: records card`);
  for (const [id, e] of Object.entries(exp)) {
    const ch = d.charts.find((c) => c.id === id);
    assert.ok(ch, `${file}: chart ${id}`);
    assert.deepEqual(ch.series.map((x) => x.values), e.series, `${file}: ${id} values`);
    const drawn = v.charts[id];
    assert.ok(drawn, `${file}: chart ${id} drawn`);
    if (ch.kind === 'bars') {
      assert.deepEqual(ch.labels, e.labels, `${file}: ${id} labels`);
      // one rect per label and series, label-major
      const want: Array<[string, string, number]> = [];
      ch.labels.forEach((l, i) => ch.series.forEach((se) => want.push([se.name, l, se.values[i]])));
      assert.deepEqual(drawn.bars, want, `${file}: ${id} drawn bars`);
    } else {
      assert.deepEqual(ch.x, e.x, `${file}: ${id} x`);
      assert.deepEqual(drawn.lines, ch.series.map((se) => [se.name, ch.x.length]), `${file}: ${id} drawn points`);
      if (drawn.dots.length) {
        const want: Array<[string, string, number]> = [];
        ch.series.forEach((se) => ch.x.forEach((x, i) => want.push([se.name, String(x), se.values[i]])));
        assert.deepEqual(drawn.dots, want, `${file}: ${id} drawn dots`);
      }
    }
  }
  const psc = s.PSC.filter((r) => r.id === 0);
  assert.equal(d.samples.length, psc.length);
  const stacked = v.charts.perSample.samples;
  const tstv = v.charts.perSampleTsTv.samples;
  assert.equal(stacked.length, psc.length);
  psc.forEach((p, i) => {
    assert.deepEqual(stacked[i], [['het', p.nHets], ['homAlt', p.nNonRefHom], ['missing', p.nMissing]], `${file}: ${p.sample} bars`);
    const ratio = p.nTransversions ? p.nTransitions / p.nTransversions : null;
    assert.deepEqual(tstv[i], ratio === null ? [] : [['tsTv', ratio]], `${file}: ${p.sample} Ts/Tv`);
    assert.equal(v.rows[i][0], p.sample);
    assert.equal(v.rows[i][2], p.nHets.toLocaleString('en-US'));
  });
}

async function statsJson(file: string): Promise<StatsReport> {
  const r = await runCli(['stats', '-s', '-', '--json', file]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as StatsReport;
}

test('report: the trio report opens in Chromium with no console error or request; every chart equals stats --json', { skip: SKIP_CHROMIUM }, async () => {
  const dir = tmpDir();
  try {
    const out = path.join(dir, 'trio.html');
    const r = await runCli(['report', TRIO, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /trio\.html \([\d,]+ bytes; 1,500 records, 3 samples\)/);
    const html = fs.readFileSync(out, 'utf8');
    assert.doesNotMatch(html, /<(link|img|iframe)\b|\bsrc=|@import|url\(/i, 'no external resource');
    const stats = await statsJson(TRIO);
    const o = await openReport(out, 'report-trio.png');
    assert.deepEqual(o.errors, []);
    assert.deepEqual(o.requests, []);
    checkAgainstStats(o.view, stats, 'trio');
    assert.ok(fs.statSync(path.join(ARTIFACTS, 'report-trio.png')).size > 10_000);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('report: the 60-sample cohort renders and equals stats --json', { skip: SKIP_CHROMIUM }, async () => {
  const dir = tmpDir();
  try {
    const out = path.join(dir, 'cohort.html');
    const r = await runCli(['report', COHORT, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const size = fs.statSync(out).size;
    assert.ok(size < 1_000_000, `cohort report is ${size} bytes`);
    const o = await openReport(out, 'report-cohort.png');
    assert.deepEqual(o.errors, []);
    assert.deepEqual(o.requests, []);
    checkAgainstStats(o.view, await statsJson(COHORT), 'cohort');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** a deterministic 1,000-sample VCF (a fixed linear congruential sequence, no randomness) */
function cohortVcf(nSamples: number, nRecords: number): string {
  let x = 12345;
  const next = () => (x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const bases = 'ACGT';
  const lines = ['##fileformat=VCFv4.2', '##contig=<ID=chr1,length=10000000>', '##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">',
    '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">', '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">',
    ['#CHROM', 'POS', 'ID', 'REF', 'ALT', 'QUAL', 'FILTER', 'INFO', 'FORMAT', ...Array.from({ length: nSamples }, (_, i) => `P${String(i + 1).padStart(4, '0')}`)].join('\t')];
  for (let r = 0; r < nRecords; r++) {
    const ref = bases[Math.floor(next() * 4)];
    const indel = next() < 0.15;
    const alt = indel ? ref + 'T'.repeat(1 + Math.floor(next() * 4)) : bases[(bases.indexOf(ref) + 1 + Math.floor(next() * 3)) % 4];
    const af = next() * 0.5;
    const gts: string[] = [];
    for (let s = 0; s < nSamples; s++) {
      const u = next();
      const gt = u < 0.02 ? './.' : next() < af * af ? '1/1' : next() < 2 * af ? '0/1' : '0/0';
      gts.push(`${gt}:${10 + Math.floor(next() * 30)}`);
    }
    lines.push(['chr1', 1000 + r * 37, '.', ref, alt, (10 + next() * 990).toFixed(1), 'PASS', `DP=${nSamples * 20}`, 'GT:DP', ...gts].join('\t'));
  }
  return lines.join('\n') + '\n';
}

test('report: a 1,000-sample file renders (size, load, 1,000 marks per sample chart, sorting)', { skip: SKIP_CHROMIUM }, async () => {
  const dir = tmpDir();
  try {
    const vcf = path.join(dir, 'big.vcf');
    fs.writeFileSync(vcf, cohortVcf(1000, 150));
    const out = path.join(dir, 'big.html');
    const r = await runCli(['report', vcf, '-o', out]);
    assert.equal(r.code, 0, r.stderr);
    const size = fs.statSync(out).size;
    assert.ok(size < 4_000_000, `1,000-sample report is ${size} bytes`);
    let firstAfterSort = '';
    const o = await openReport(out, 'report-1000-samples.png', async (page) => {
      await page.selectOption('#sortBy', 'het');
      // the sample now drawn leftmost in the stacked chart
      firstAfterSort = (await page.evaluate(`(() => {
        const gs = [...document.querySelectorAll('[data-chart="perSample"] g.smp')];
        const x = (g) => g.transform.baseVal.getItem(0).matrix.e;
        gs.sort((a, b) => x(a) - x(b));
        return JSON.parse(document.getElementById('vcf-agent-report-data').textContent).samples[Number(gs[0].dataset.i)].sample;
      })()`)) as string;
    });
    assert.deepEqual(o.errors, []);
    assert.deepEqual(o.requests, []);
    checkAgainstStats(o.view, await statsJson(vcf), '1000 samples');
    assert.equal(o.view.rows.length, 1000);
    const maxHet = o.view.data.samples.reduce((a, b) => (b.het > a.het ? b : a));
    assert.equal(o.view.data.samples.find((s) => s.sample === firstAfterSort)!.het, maxHet.het, 'sorted by het: the highest first');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('report: sites-only file, report data and helpers', async () => {
  const dir = tmpDir();
  try {
    const vcf = path.join(dir, 'sites.vcf');
    fs.writeFileSync(vcf, '##fileformat=VCFv4.2\n##contig=<ID=1>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\t10\t.\tA\tG\t50\tPASS\t.\n1\t20\t.\tC\tCA\t.\tPASS\t.\n1\t30\t.\tG\tT\t20\tPASS\t.\n');
    const d = await buildReportData({ file: vcf });
    assert.equal(d.samples.length, 0);
    assert.equal(d.summary.records, 3);
    assert.equal(d.summary.qualMissing, 1);
    assert.deepEqual(d.charts.find((c) => c.id === 'tstv')!.series[0].values, [1, 1]);
    const html = renderReportHtml(d);
    assert.match(html, /No sample columns/);
    assert.ok(html.includes('<script type="application/json" id="vcf-agent-report-data">'));
    // the embedded JSON cannot close its script element
    assert.equal(embedJson({ s: '</script><b>' }), '{"s":"\\u003c/script>\\u003cb>"}');
    assert.deepEqual(niceScale(87), { max: 100, step: 20 });
    assert.equal(defaultReportName('dir/calls.vcf.gz'), 'calls.report.html');
    assert.equal(defaultReportName('x.bcf'), 'x.report.html');
    const stdin = await runCli(['report', '-', '-o', path.join(dir, 'x.html')], { input: fs.readFileSync(vcf) });
    assert.equal(stdin.code, 2);
    assert.match(stdin.stderr, /^vcf-agent: -: the report reads its input twice/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('analyze writes the report next to its summary (--report PATH, --no-report)', async () => {
  const dir = tmpDir();
  try {
    const a = await runCli(['analyze', TRIO], { cwd: dir });
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stdout, /^HTML report: trio\.report\.html$/m);
    const html = fs.readFileSync(path.join(dir, 'trio.report.html'), 'utf8');
    assert.match(html, /^<!DOCTYPE html>/);
    const j = await runCli(['analyze', '--json', '--report', path.join(dir, 'r.html'), TRIO], { cwd: dir });
    assert.equal(JSON.parse(j.stdout).report.path, path.join(dir, 'r.html'));
    const n = await runCli(['analyze', '--no-report', COHORT], { cwd: dir });
    assert.equal(n.code, 0);
    assert.doesNotMatch(n.stdout, /HTML report/);
    assert.ok(!fs.existsSync(path.join(dir, 'cohort.report.html')));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
