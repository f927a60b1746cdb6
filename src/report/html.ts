/**
 * One self-contained HTML page from ReportData (src/stats/report-data.ts): inline CSS, inline SVG
 * charts drawn here, a little inline JS (sorting and filtering the per-sample views), no external
 * resource of any kind. The data is embedded as JSON (`<script type="application/json"
 * id="vcf-agent-report-data">`), and every chart carries `data-chart`; categorical bars and
 * per-sample marks carry their values in data attributes, so a test can read what each chart shows.
 */
import type { BarChart, ChartData, LineChart, ReportData, SampleRow } from '../stats/report-data.js';
import { VERSION } from '../version.js';

const COLORS = ['#3b6ea8', '#d8812b', '#4a9c5d', '#b8474b', '#7e62a8', '#8a6d3b'];

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
const fmtN = (n: number) => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 3 }));
/** shortest exact text of a number for SVG coordinates */
const c = (x: number) => (Math.round(x * 10) / 10).toString();

/** a "nice" axis maximum and its tick step */
export function niceScale(max: number, ticks = 5): { max: number; step: number } {
  if (!(max > 0)) return { max: 1, step: 0.2 };
  const raw = max / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const f = raw / mag;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * mag;
  return { max: Math.ceil(max / step - 1e-9) * step, step };
}

function shortNum(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toFixed(2)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(3)}`;
}

interface Frame { W: number; H: number; l: number; r: number; t: number; b: number }

function yAxis(f: Frame, max: number, step: number, label: string): string {
  const out: string[] = [];
  const ph = f.H - f.t - f.b;
  for (let v = 0; v <= max + step / 2; v += step) {
    const y = f.H - f.b - (v / max) * ph;
    out.push(`<line class="grid" x1="${f.l}" x2="${f.W - f.r}" y1="${c(y)}" y2="${c(y)}"/><text class="tick" x="${f.l - 6}" y="${c(y + 4)}" text-anchor="end">${shortNum(v)}</text>`);
  }
  out.push(`<text class="axis" transform="translate(14,${c(f.t + ph / 2)}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`);
  return out.join('');
}

function legend(names: string[], x: number, y: number, colors: string[] = COLORS): string {
  if (names.length < 2) return '';
  let off = 0;
  return names.map((n, i) => {
    const s = `<g class="legend" transform="translate(${c(x + off)},${c(y)})"><rect width="10" height="10" fill="${colors[i % colors.length]}"/><text x="14" y="9">${esc(n)}</text></g>`;
    off += 24 + n.length * 6.5;
    return s;
  }).join('');
}

function barChart(ch: BarChart): string {
  const nS = ch.series.length;
  const n = ch.labels.length;
  const longest = Math.max(0, ...ch.labels.map((l) => l.length));
  const rotate = longest * 6.5 + 6 > Math.max(nS * 14 + 8, 24) && (n > 8 || longest > 14);
  const slot = Math.max(nS * 14 + 8, 24, rotate ? 0 : longest * 6.5 + 8);
  const f: Frame = { W: Math.max(460, 70 + n * slot + 16), H: 280, l: 62, r: 16, t: 26, b: rotate ? 70 : 48 };
  const max = Math.max(0, ...ch.series.flatMap((s) => s.values));
  const { max: ymax, step } = niceScale(max);
  const ph = f.H - f.t - f.b;
  const parts: string[] = [yAxis(f, ymax, step, ch.yLabel)];
  const bw = (slot - 8) / nS;
  for (let i = 0; i < n; i++) {
    const x0 = f.l + 4 + i * slot;
    for (let s = 0; s < nS; s++) {
      const v = ch.series[s].values[i];
      const h = (v / ymax) * ph;
      parts.push(`<rect class="bar" data-series="${esc(ch.series[s].name)}" data-label="${esc(ch.labels[i])}" data-value="${v}" x="${c(x0 + s * bw)}" y="${c(f.H - f.b - h)}" width="${c(Math.max(bw - 1, 1))}" height="${c(h)}" fill="${COLORS[s % COLORS.length]}"><title>${esc(ch.labels[i])}${nS > 1 ? ` (${esc(ch.series[s].name)})` : ''}: ${fmtN(v)}</title></rect>`);
    }
    const lx = x0 + (slot - 8) / 2;
    parts.push(rotate
      ? `<text class="tick" transform="translate(${c(lx + 3)},${f.H - f.b + 8}) rotate(-60)" text-anchor="end">${esc(ch.labels[i])}</text>`
      : `<text class="tick" x="${c(lx)}" y="${f.H - f.b + 16}" text-anchor="middle">${esc(ch.labels[i])}</text>`);
  }
  parts.push(`<text class="axis" x="${c(f.l + (f.W - f.l - f.r) / 2)}" y="${f.H - 6}" text-anchor="middle">${esc(ch.xLabel)}</text>`);
  parts.push(legend(ch.series.map((s) => s.name), f.l, 8));
  return svg(f, parts.join(''), ch.title);
}

/** x of a bin: numbers as they are; ">N" just after N, "<N" just before */
export function binX(x: number | string, step: number): number {
  if (typeof x === 'number') return x;
  const m = /^([<>])\s*(-?[\d.]+)/.exec(x);
  if (!m) return 0;
  return m[1] === '>' ? Number(m[2]) + step : Number(m[2]) - step;
}

function lineChart(ch: LineChart): string {
  const f: Frame = { W: 720, H: 280, l: 62, r: 28, t: 26, b: 48 };
  const nums = ch.x.filter((x): x is number => typeof x === 'number');
  const span = nums.length > 1 ? Math.max(...nums) - Math.min(...nums) : 1;
  const step = Math.max(span / 100, 1e-6);
  const xs = ch.x.map((x) => binX(x, step));
  const parts: string[] = [];
  if (!xs.length) {
    parts.push(`<text class="empty" x="${f.W / 2}" y="${f.H / 2}" text-anchor="middle">no data</text>`);
    return svg(f, parts.join(''), ch.title);
  }
  const tx = (x: number) => (ch.logX ? Math.log10(1 + Math.max(x, 0)) : x);
  let xmin = tx(Math.min(...xs)), xmax = tx(Math.max(...xs));
  if (xmin === xmax) { xmin -= 0.5; xmax += 0.5; }
  const max = Math.max(0, ...ch.series.flatMap((s) => s.values));
  const { max: ymax, step: ystep } = niceScale(max);
  const pw = f.W - f.l - f.r, ph = f.H - f.t - f.b;
  const px = (x: number) => f.l + ((tx(x) - xmin) / (xmax - xmin)) * pw;
  const py = (v: number) => f.H - f.b - (v / ymax) * ph;
  parts.push(yAxis(f, ymax, ystep, ch.yLabel));
  if (ch.logX) {
    for (const v of [0, 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7]) {
      if (tx(v) < xmin - 1e-9 || tx(v) > xmax + 1e-9) continue;
      parts.push(`<text class="tick" x="${c(px(v))}" y="${f.H - f.b + 16}" text-anchor="middle">${shortNum(v)}</text>`);
    }
  } else {
    const xt = niceScale(xmax - xmin, 6);
    const first = Math.ceil(xmin / xt.step) * xt.step;
    for (let v = first; v <= xmax + 1e-9; v += xt.step) {
      parts.push(`<text class="tick" x="${c(px(v))}" y="${f.H - f.b + 16}" text-anchor="middle">${shortNum(+v.toPrecision(6))}</text>`);
    }
  }
  ch.x.forEach((x, i) => {
    if (typeof x === 'string') parts.push(`<text class="tick" x="${c(px(xs[i]))}" y="${f.H - f.b + 28}" text-anchor="middle">${esc(x)}</text>`);
  });
  const dots = xs.length <= 120 && ch.style !== 'stems';
  ch.series.forEach((s, k) => {
    const col = COLORS[k % COLORS.length];
    if (ch.style === 'stems') {
      // sparse histograms: one vertical stem per bin, series side by side
      const d = xs.map((x, i) => `M${c(px(x) + k * 1.5)} ${c(py(0))}V${c(py(s.values[i]))}`).join('');
      parts.push(`<path class="stems" data-series="${esc(s.name)}" data-points="${xs.length}" d="${d}" stroke="${col}"/>`);
    } else {
      // overflow bins (">500") are marks of their own, not joined to the line
      const pts = xs.map((x, i) => (typeof ch.x[i] === 'number' ? `${c(px(x))},${c(py(s.values[i]))}` : '')).filter(Boolean).join(' ');
      parts.push(`<polyline class="line" data-series="${esc(s.name)}" data-points="${xs.length}" points="${pts}" stroke="${col}"/>`);
      ch.x.forEach((x, i) => {
        if (typeof x === 'string' && !dots) parts.push(`<circle class="overflow" data-series="${esc(s.name)}" data-x="${esc(x)}" data-value="${s.values[i]}" cx="${c(px(xs[i]))}" cy="${c(py(s.values[i]))}" r="3" fill="${col}"><title>${esc(x)} (${esc(s.name)}): ${fmtN(s.values[i])}</title></circle>`);
      });
    }
    if (dots) {
      xs.forEach((x, i) => parts.push(`<circle class="dot" data-series="${esc(s.name)}" data-x="${esc(String(ch.x[i]))}" data-value="${s.values[i]}" cx="${c(px(x))}" cy="${c(py(s.values[i]))}" r="2.5" fill="${col}"><title>${esc(String(ch.x[i]))} (${esc(s.name)}): ${fmtN(s.values[i])}</title></circle>`));
    }
  });
  parts.push(`<text class="axis" x="${c(f.l + pw / 2)}" y="${f.H - 4}" text-anchor="middle">${esc(ch.xLabel)}</text>`);
  parts.push(legend(ch.series.map((s) => s.name), f.l, 8));
  return svg(f, parts.join(''), ch.title);
}

function svg(f: Frame, body: string, title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="${esc(title)}" width="${f.W}" height="${f.H}" viewBox="0 0 ${f.W} ${f.H}">${body}</svg>`;
}

function chart(ch: ChartData): string {
  const body = ch.kind === 'bars' ? barChart(ch) : lineChart(ch);
  return `<figure class="chart" data-chart="${esc(ch.id)}" data-kind="${ch.kind}"><figcaption>${esc(ch.title)}</figcaption><div class="scroll">${body}</div>${ch.note ? `<p class="note">${esc(ch.note)}</p>` : ''}</figure>`;
}

function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos), hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

const METRICS: Array<{ key: keyof SampleRow; label: string }> = [
  { key: 'het', label: 'het (SNP)' }, { key: 'homAlt', label: 'hom-alt (SNP)' }, { key: 'missing', label: 'missing' },
  { key: 'tsTv', label: 'Ts/Tv' }, { key: 'indels', label: 'indel genotypes' }, { key: 'singletons', label: 'singletons' },
  { key: 'meanDepth', label: 'mean depth' },
];

function sampleSection(rows: SampleRow[]): string {
  const n = rows.length;
  const bw = n <= 40 ? 16 : n <= 150 ? 6 : n <= 400 ? 3 : 2;
  const gap = n <= 150 ? 2 : 1;
  const labels = n <= 40;
  const f: Frame = { W: Math.max(420, 70 + n * (bw + gap) + 16), H: labels ? 320 : 260, l: 62, r: 16, t: 26, b: labels ? 90 : 30 };
  const totals = rows.map((r) => r.het + r.homAlt + r.missing);
  const { max, step } = niceScale(Math.max(0, ...totals));
  const ph = f.H - f.t - f.b;
  const parts: string[] = [yAxis(f, max, step, 'genotypes')];
  const keys: Array<[keyof SampleRow, string]> = [['het', COLORS[0]], ['homAlt', COLORS[1]], ['missing', COLORS[3]]];
  rows.forEach((r, i) => {
    let y = f.H - f.b;
    const rects = keys.map(([k, col]) => {
      const v = r[k] as number;
      const h = (v / max) * ph;
      y -= h;
      return `<rect data-key="${k}" data-value="${v}" y="${c(y)}" width="${bw}" height="${c(h)}" fill="${col}"/>`;
    }).join('');
    const label = labels ? `<text class="tick" transform="translate(${c(bw / 2 + 3)},${f.H - f.b + 8}) rotate(-60)" text-anchor="end">${esc(r.sample)}</text>` : '';
    parts.push(`<g class="smp" data-i="${i}" transform="translate(${c(f.l + 4 + i * (bw + gap))},0)"><title>${esc(r.sample)}: het ${fmtN(r.het)}, hom-alt ${fmtN(r.homAlt)}, missing ${fmtN(r.missing)}</title>${rects}${label}</g>`);
  });
  parts.push(legend(['het (SNP)', 'hom-alt (SNP)', 'missing'], f.l, 8, keys.map((k) => k[1])));
  const stacked = svg(f, parts.join(''), 'Per-sample genotypes');

  // Ts/Tv per sample: one dot per sample, same order
  const g: Frame = { ...f, H: labels ? 260 : 200, b: labels ? 90 : 30 };
  const tv = rows.map((r) => r.tsTv ?? 0);
  const ts = niceScale(Math.max(0, ...tv));
  const ph2 = g.H - g.t - g.b;
  const p2: string[] = [yAxis(g, ts.max, ts.step, 'Ts/Tv')];
  rows.forEach((r, i) => {
    const v = r.tsTv;
    const dot = v === null ? '' : `<circle data-value="${v}" cx="${c(bw / 2)}" cy="${c(g.H - g.b - (v / ts.max) * ph2)}" r="${bw >= 6 ? 3 : 1.6}" fill="${COLORS[4]}"/>`;
    const label = labels ? `<text class="tick" transform="translate(${c(bw / 2 + 3)},${g.H - g.b + 8}) rotate(-60)" text-anchor="end">${esc(r.sample)}</text>` : '';
    p2.push(`<g class="smp" data-i="${i}" transform="translate(${c(g.l + 4 + i * (bw + gap))},0)"><title>${esc(r.sample)}: Ts/Tv ${v === null ? 'n/a' : v.toFixed(3)} (${fmtN(r.ts)} / ${fmtN(r.tv)})</title>${dot}${label}</g>`);
  });
  const tstvSvg = svg(g, p2.join(''), 'Per-sample Ts/Tv');

  // distribution over samples: the aggregated view
  const dist = METRICS.map((m) => {
    const vals = rows.map((r) => r[m.key]).filter((v): v is number => typeof v === 'number').sort((a, b) => a - b);
    const mean = vals.length ? vals.reduce((a, b) => a + b, 0) / vals.length : NaN;
    const cell = (v: number) => (Number.isNaN(v) ? 'n/a' : fmtN(+v.toFixed(3)));
    return `<tr><th>${esc(m.label)}</th>${[vals[0] ?? NaN, quantile(vals, 0.25), quantile(vals, 0.5), quantile(vals, 0.75), vals[vals.length - 1] ?? NaN, mean].map((v) => `<td>${cell(v)}</td>`).join('')}</tr>`;
  }).join('');
  const head = ['sample', 'hom-ref', 'het', 'hom-alt', 'missing', 'hap-ref', 'hap-alt', 'ts', 'tv', 'Ts/Tv', 'indels', 'singletons', 'mean depth'];
  const body = rows.map((r) => `<tr data-sample="${esc(r.sample)}"><td>${esc(r.sample)}</td>${[r.homRef, r.het, r.homAlt, r.missing, r.hapRef, r.hapAlt, r.ts, r.tv].map((v) => `<td data-v="${v}">${fmtN(v)}</td>`).join('')}<td data-v="${r.tsTv ?? ''}">${r.tsTv === null ? 'n/a' : r.tsTv.toFixed(3)}</td>${[r.indels, r.singletons, r.meanDepth].map((v) => `<td data-v="${v}">${fmtN(v)}</td>`).join('')}</tr>`).join('');
  const opts = [['i', 'file order'], ['het', 'het'], ['homAlt', 'hom-alt'], ['missing', 'missing'], ['tsTv', 'Ts/Tv'], ['sample', 'name']]
    .map(([v, l]) => `<option value="${v}">${l}</option>`).join('');
  return `<section id="samples"><h2>Per sample (${fmtN(n)} samples)</h2>
<p class="note">Counts from bcftools stats PSC: het and hom-alt count SNP genotypes (indel genotypes are in the table). Hover a bar for its sample; the charts scroll sideways.</p>
<label>Sort by <select id="sortBy">${opts}</select></label>
<figure class="chart" data-chart="perSample" data-kind="samples"><figcaption>Het / hom-alt / missing genotypes per sample</figcaption><div class="scroll">${stacked}</div></figure>
<figure class="chart" data-chart="perSampleTsTv" data-kind="samples"><figcaption>Ts/Tv per sample</figcaption><div class="scroll">${tstvSvg}</div></figure>
<h3>Distribution over samples</h3>
<table class="dist"><thead><tr><th></th><th>min</th><th>25%</th><th>median</th><th>75%</th><th>max</th><th>mean</th></tr></thead><tbody>${dist}</tbody></table>
<h3>All samples</h3>
<label>Filter <input id="sampleFilter" type="search" placeholder="sample name"></label>
<div class="tablebox"><table id="sampleTable" class="samples"><thead><tr>${head.map((h, i) => `<th data-col="${i}">${h}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>
</section>`;
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#222;background:#f6f7f9}
header{background:#23395b;color:#fff;padding:16px 24px}header h1{margin:0;font-size:20px;word-break:break-all}
header p{margin:4px 0 0;opacity:.85;font-size:12px}main{padding:16px 24px;max-width:1400px}
.cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 16px}.card{background:#fff;border:1px solid #dde1e7;border-radius:6px;padding:8px 14px;min-width:110px}
.card b{display:block;font-size:18px}.card span{font-size:12px;color:#555}
.grid2{display:grid;grid-template-columns:repeat(auto-fit,minmax(460px,1fr));gap:14px}
figure.chart{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:0 0 14px;padding:10px}
figcaption{font-weight:600;margin-bottom:4px}.scroll{overflow-x:auto}.note{font-size:12px;color:#555;margin:4px 0}
svg text{font-size:11px;fill:#333}svg .axis{font-size:12px}svg .grid{stroke:#e6e8ec}svg .line{fill:none;stroke-width:1.6}svg .stems{fill:none;stroke-width:1.2;opacity:.85}
.tablebox{max-height:420px;overflow:auto;border:1px solid #dde1e7;background:#fff}
table{border-collapse:collapse;font-size:12px}td,th{padding:3px 8px;text-align:right;border-bottom:1px solid #eee}
td:first-child,th:first-child{text-align:left}table.samples th{position:sticky;top:0;background:#eef1f5;cursor:pointer}
table.dist{background:#fff;border:1px solid #dde1e7;margin-bottom:12px}
label{display:inline-block;margin:6px 12px 6px 0}ul.notes{font-size:12px;color:#7a4b00}
`;

/** sorting the per-sample charts and the table, filtering the table: no external code */
const JS = `
(function(){
  var el=document.getElementById('vcf-agent-report-data');
  var data=JSON.parse(el.textContent);
  var rows=data.samples;
  var sel=document.getElementById('sortBy');
  function place(order){
    ['perSample','perSampleTsTv'].forEach(function(id){
      var fig=document.querySelector('[data-chart="'+id+'"]');
      if(!fig)return;
      var gs=fig.querySelectorAll('g.smp');
      if(gs.length<2)return;
      var x0=parseFloat(gs[0].getAttribute('data-x0')||gs[0].transform.baseVal.getItem(0).matrix.e);
      var step=parseFloat(gs[1].getAttribute('data-x0')||gs[1].transform.baseVal.getItem(0).matrix.e)-x0;
      gs.forEach(function(g){if(!g.hasAttribute('data-x0'))g.setAttribute('data-x0',g.transform.baseVal.getItem(0).matrix.e);});
      var pos={};order.forEach(function(i,k){pos[i]=k;});
      var base=parseFloat(gs[0].getAttribute('data-x0'));
      gs.forEach(function(g){var i=+g.getAttribute('data-i');g.setAttribute('transform','translate('+(base+pos[i]*step)+',0)');});
    });
  }
  if(sel)sel.addEventListener('change',function(){
    var k=sel.value;var idx=rows.map(function(_,i){return i;});
    if(k==='sample')idx.sort(function(a,b){return rows[a].sample<rows[b].sample?-1:rows[a].sample>rows[b].sample?1:0;});
    else if(k!=='i')idx.sort(function(a,b){var x=rows[a][k],y=rows[b][k];x=x===null?-1:x;y=y===null?-1:y;return y-x;});
    place(idx);
  });
  var table=document.getElementById('sampleTable');
  if(table){
    var dir={};
    table.querySelectorAll('th').forEach(function(th){th.addEventListener('click',function(){
      var col=+th.getAttribute('data-col');dir[col]=-(dir[col]||1);
      var tb=table.tBodies[0];var trs=Array.prototype.slice.call(tb.rows);
      trs.sort(function(a,b){
        if(col===0)return dir[col]*(a.cells[0].textContent<b.cells[0].textContent?-1:1);
        var x=a.cells[col].getAttribute('data-v'),y=b.cells[col].getAttribute('data-v');
        return dir[col]*((x===''?-1:+x)-(y===''?-1:+y));
      });
      trs.forEach(function(tr){tb.appendChild(tr);});
    });});
    var f=document.getElementById('sampleFilter');
    if(f)f.addEventListener('input',function(){var q=f.value.toLowerCase();
      Array.prototype.forEach.call(table.tBodies[0].rows,function(tr){tr.style.display=tr.getAttribute('data-sample').toLowerCase().indexOf(q)>=0?'':'none';});});
  }
})();
`;

/** the page's embedded data: JSON that cannot end the script element */
export function embedJson(data: unknown): string {
  return JSON.stringify(data).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Render the report page. */
export function renderReportHtml(d: ReportData): string {
  const s = d.summary;
  const card = (label: string, value: string) => `<div class="card"><b>${value}</b><span>${esc(label)}</span></div>`;
  const cards = [
    card('records', fmtN(s.records)), card('samples', fmtN(s.samples)), card('SNPs', fmtN(s.snps)), card('indels', fmtN(s.indels)),
    card('MNPs', fmtN(s.mnps)), card('others', fmtN(s.others)), card('no-ALT sites', fmtN(s.noAlts)),
    card('multiallelic sites', `${fmtN(s.multiallelicSites)}`), card('Ts/Tv', s.tsTv.toFixed(2)), card('Ts/Tv (first ALT)', s.tsTvAlt1.toFixed(2)),
  ].join('');
  const charts = d.charts.map(chart).join('\n');
  const notes = d.notes.length ? `<ul class="notes">${d.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="vcf-agent ${esc(VERSION)}">
<title>VCF report: ${esc(d.file)}</title><style>${CSS}</style></head>
<body><header><h1>${esc(d.file)}</h1><p>vcf-agent ${esc(VERSION)} report. Numbers: <code>${esc(d.statsCommand)}</code> (bcftools stats 1.16 semantics).</p></header>
<main>
<section id="summary"><h2>Summary</h2><div class="cards">${cards}</div>${notes}</section>
<section id="charts"><h2>Sites</h2><div class="grid2">
${charts}
</div></section>
${d.samples.length ? sampleSection(d.samples) : '<section id="samples"><h2>Per sample</h2><p class="note">No sample columns: sites-only file.</p></section>'}
</main>
<script type="application/json" id="vcf-agent-report-data">${embedJson(d)}</script>
<script>${JS}</script>
</body></html>
`;
}
