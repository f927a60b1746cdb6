// vcf-agent web page: plain ES module, no build step, no external resource.
// Every value from the API is inserted as text (never as HTML): VCF content is untrusted.

const view = document.getElementById('view');
const errorBox = document.getElementById('error');
const tokenForm = document.getElementById('token-form');
const tokenInput = document.getElementById('token');

// ---- tiny DOM helper --------------------------------------------------------------------------
/** A chat session id: 8 hex digits from the browser's CSPRNG (works on plain-http pages too). */
function newSessionId() {
  return Array.from(crypto.getRandomValues(new Uint8Array(4)), (x) => x.toString(16).padStart(2, '0')).join('');
}

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}
const svgNS = 'http://www.w3.org/2000/svg';
function s(tag, attrs = {}, text) {
  const el = document.createElementNS(svgNS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = String(text);
  return el;
}
const fmt = (v) => (v === null || v === undefined ? '.' : Array.isArray(v) ? v.join(',') : typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : String(+v.toFixed(6))) : typeof v === 'object' ? JSON.stringify(v) : String(v));

// ---- API --------------------------------------------------------------------------------------
function token() { return localStorage.getItem('vcf-agent-token') || ''; }
function authHeaders(extra = {}) { const t = token(); return t ? { ...extra, authorization: `Bearer ${t}` } : extra; }

class ApiError extends Error { constructor(status, body) { super(body && body.error ? body.error : `HTTP ${status}`); this.status = status; this.body = body; } }

async function api(url, opts = {}) {
  const res = await fetch(url, { ...opts, headers: authHeaders(opts.headers || {}) });
  if (res.status === 401) { tokenForm.hidden = false; throw new ApiError(401, { error: 'this server needs an API token: enter it at the top right' }); }
  const ct = res.headers.get('content-type') || '';
  const body = ct.includes('json') ? await res.json() : await res.text();
  if (!res.ok) throw new ApiError(res.status, body);
  return body;
}

/** read a server-sent events response; calls onEvent(type, data) per event */
async function readSse(res, onEvent) {
  const reader = res.body.getReader();
  const dec = new TextDecoder();
  let buf = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    buf += dec.decode(value, { stream: true });
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let type = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) type = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) onEvent(type, JSON.parse(data.join('\n')));
    }
  }
}

function showError(e) {
  errorBox.hidden = false;
  errorBox.textContent = e instanceof Error ? e.message : String(e);
}
function clearError() { errorBox.hidden = true; errorBox.textContent = ''; }

tokenForm.addEventListener('submit', (ev) => {
  ev.preventDefault();
  localStorage.setItem('vcf-agent-token', tokenInput.value.trim());
  tokenInput.value = '';
  tokenForm.hidden = true;
  route();
});

// ---- tables and plots ---------------------------------------------------------------------------
function table(rows, columns, onRow) {
  const cols = columns || [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return h('div', { class: 'table-wrap' }, h('table', {},
    h('thead', {}, h('tr', {}, cols.map((c) => h('th', {}, c)))),
    h('tbody', {}, rows.map((r) => h('tr', { class: onRow ? 'clickable' : null, onclick: onRow ? () => onRow(r) : null },
      cols.map((c) => h('td', { class: typeof r[c] === 'number' ? 'num' : null }, fmt(r[c]))))))));
}

/** a horizontal bar chart of {label: value} */
function barPlot(title, data, id) {
  const entries = Object.entries(data || {}).sort((a, b) => b[1] - a[1]);
  const left = Math.min(240, 20 + 6.5 * Math.max(4, ...entries.map((e) => e[0].length)));
  const W = left + 260, rowH = 20, H = Math.max(1, entries.length) * rowH + 10;
  const max = Math.max(1, ...entries.map((e) => e[1]));
  const svg = s('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'data-plot': id });
  entries.forEach(([label, v], i) => {
    const y = 5 + i * rowH;
    const w = ((W - left - 60) * v) / max;
    svg.append(s('text', { x: left - 6, y: y + 13, 'text-anchor': 'end' }, label));
    const bar = s('rect', { x: left, y: y + 2, width: Math.max(w, 1), height: rowH - 6, fill: '#3b6ea8', 'data-label': label, 'data-value': v });
    bar.append(s('title', {}, `${label}: ${v}`));
    svg.append(bar);
    svg.append(s('text', { x: left + w + 4, y: y + 13 }, fmt(v)));
  });
  if (!entries.length) svg.append(s('text', { x: 10, y: 15 }, 'none'));
  return h('div', { class: 'plot' }, h('div', { class: 'title' }, title), svg);
}

const ZYG_COLOURS = { het: '#3b6ea8', hom_alt: '#c27c2c', hemi: '#6a9c4a' };
/** a vertical histogram of DP bins, stacked by zygosity ({bins: [{lo, hi, n, byZygosity}]}) */
function depthPlot(d) {
  const bins = d.bins || [];
  const W = 620, H = 220, left = 56, bottom = 34, top = 10;
  const svg = s('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', 'data-plot': 'depth', 'data-calls': d.calls });
  if (!bins.length) {
    svg.append(s('text', { x: 10, y: 20 }, 'no call with FORMAT/DP'));
    return h('div', { class: 'plot' }, h('div', { class: 'title' }, 'Depth (FORMAT/DP) of the calls'), svg);
  }
  const max = Math.max(1, ...bins.map((b) => b.n));
  const bw = (W - left - 10) / bins.length;
  const y = (v) => top + (H - top - bottom) * (1 - v / max);
  svg.append(s('line', { x1: left, y1: H - bottom, x2: W - 10, y2: H - bottom, stroke: '#888' }));
  svg.append(s('line', { x1: left, y1: top, x2: left, y2: H - bottom, stroke: '#888' }));
  for (const t of [0, 0.5, 1]) svg.append(s('text', { x: left - 4, y: y(max * t) + 4, 'text-anchor': 'end' }, fmt(Math.round(max * t))));
  const zs = [...new Set(bins.flatMap((b) => Object.keys(b.byZygosity)))].sort();
  bins.forEach((b, i) => {
    let acc = 0;
    for (const z of zs) {
      const v = b.byZygosity[z] || 0;
      if (!v) continue;
      const r = s('rect', { x: left + i * bw + 0.5, y: y(acc + v), width: Math.max(bw - 1, 1), height: y(acc) - y(acc + v), fill: ZYG_COLOURS[z] || '#888', 'data-lo': b.lo, 'data-hi': b.hi, 'data-zygosity': z, 'data-value': v });
      r.append(s('title', {}, `DP ${b.lo === b.hi ? b.lo : `${b.lo}–${b.hi}`}: ${v} ${z}`));
      svg.append(r);
      acc += v;
    }
  });
  const step = Math.max(1, Math.ceil(bins.length / 10));
  bins.forEach((b, i) => { if (i % step === 0 || i === bins.length - 1) svg.append(s('text', { x: left + i * bw + bw / 2, y: H - bottom + 14, 'text-anchor': 'middle' }, i === bins.length - 1 && b.hi > d.cap ? `>${d.cap}` : b.lo)); });
  svg.append(s('text', { x: (left + W) / 2, y: H - 4, 'text-anchor': 'middle' }, 'FORMAT/DP'));
  zs.forEach((z, i) => {
    svg.append(s('rect', { x: W - 110, y: top + i * 16, width: 10, height: 10, fill: ZYG_COLOURS[z] || '#888' }));
    svg.append(s('text', { x: W - 96, y: top + 9 + i * 16 }, z));
  });
  const stats = `${fmt(d.calls)} calls with DP; mean ${d.mean === null ? '.' : d.mean.toFixed(1)}, median ${fmt(d.median)}, range ${fmt(d.min)}–${fmt(d.max)}${d.noDp ? `; ${fmt(d.noDp)} without DP` : ''}`;
  return h('div', { class: 'plot', id: 'depth-plot' }, h('div', { class: 'title' }, 'Depth (FORMAT/DP) of the non-reference calls'), svg, h('div', { class: 'muted' }, stats));
}

const NODE_COLOURS = { sample: '#4a9c5d', variant: '#3b6ea8', gene: '#b8474b' };
const IMPACT_COLOURS = { HIGH: '#b8474b', MODERATE: '#c27c2c', LOW: '#7a8ea6', MODIFIER: '#aab4c0' };
const shortLabel = (t) => (t.length > 22 ? `${t.slice(0, 20)}…` : t);

/**
 * The neighbourhood as a radial picture: the centre in the middle, its neighbours on a ring, the
 * second hop on an outer ring, each outer node placed at the mean angle of the nodes it links to.
 */
function graphSvg(g, onNode) {
  const ring1 = g.nodes.filter((n) => n.depth === 1);
  const ring2 = g.nodes.filter((n) => n.depth === 2);
  const R1 = Math.max(140, Math.min(320, ring1.length * 9));
  const R2 = R1 + (ring2.length ? Math.max(120, Math.min(260, ring2.length * 4)) : 0);
  const W = 2 * (R2 + 130), H = W;
  const cx = W / 2, cy = H / 2;
  const pos = new Map();
  pos.set(g.center.id, { x: cx, y: cy, a: 0 });
  ring1.forEach((n, i) => {
    const a = (2 * Math.PI * i) / ring1.length - Math.PI / 2;
    pos.set(n.id, { x: cx + R1 * Math.cos(a), y: cy + R1 * Math.sin(a), a });
  });
  // outer nodes: circular mean of the angles of their linked inner nodes, then spread evenly in that order
  const linked = new Map(ring2.map((n) => [n.id, []]));
  for (const e of g.edges) {
    if (linked.has(e.source) && pos.has(e.target)) linked.get(e.source).push(pos.get(e.target).a);
    if (linked.has(e.target) && pos.has(e.source)) linked.get(e.target).push(pos.get(e.source).a);
  }
  const want = ring2.map((n) => {
    const as = linked.get(n.id);
    const a = as.length ? Math.atan2(as.reduce((t, x) => t + Math.sin(x), 0), as.reduce((t, x) => t + Math.cos(x), 0)) : 0;
    return { n, a };
  }).sort((p, q) => p.a - q.a || (p.n.id < q.n.id ? -1 : 1));
  const minGap = ring2.length ? Math.min((2 * Math.PI) / ring2.length, 0.5) : 0;
  let last = -Infinity;
  for (const w of want) {
    const a = Math.max(w.a, last + minGap);
    last = a;
    pos.set(w.n.id, { x: cx + R2 * Math.cos(a), y: cy + R2 * Math.sin(a), a });
  }
  const svg = s('svg', { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: 'img', id: 'graph-svg', 'data-nodes': g.nodes.length, 'data-edges': g.edges.length });
  const edges = s('g', { class: 'edges' });
  for (const e of g.edges) {
    const a = pos.get(e.source), b = pos.get(e.target);
    if (!a || !b) continue;
    const hom = e.props && e.props.zygosity === 'hom_alt';
    const line = s('line', { x1: a.x, y1: a.y, x2: b.x, y2: b.y, stroke: e.kind === 'CARRIES' ? '#7fae8a' : '#d39a9c', 'stroke-width': hom ? 2.5 : 1.2, 'data-kind': e.kind });
    line.append(s('title', {}, `${e.kind} ${Object.entries(e.props || {}).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${k}=${v}`).join(' ')}`));
    edges.append(line);
  }
  svg.append(edges);
  for (const n of g.nodes) {
    const p = pos.get(n.id);
    if (!p) continue;
    const r = n.depth === 0 ? 14 : n.kind === 'variant' ? 7 : 9;
    const grp = s('g', { class: `node ${n.kind}`, 'data-id': n.id, 'data-kind': n.kind, 'data-depth': n.depth, tabindex: 0, role: 'button', 'aria-label': `${n.kind} ${n.label}` });
    const fill = n.kind === 'variant' && n.props && IMPACT_COLOURS[n.props.impact] ? IMPACT_COLOURS[n.props.impact] : NODE_COLOURS[n.kind];
    const shape = n.kind === 'gene'
      ? s('rect', { x: p.x - r, y: p.y - r, width: 2 * r, height: 2 * r, fill, stroke: '#fff', 'stroke-width': 1.5 })
      : n.kind === 'sample'
        ? s('polygon', { points: `${p.x},${p.y - r - 2} ${p.x + r + 1},${p.y + r} ${p.x - r - 1},${p.y + r}`, fill, stroke: '#fff', 'stroke-width': 1.5 })
        : s('circle', { cx: p.x, cy: p.y, r, fill, stroke: n.kind === 'variant' ? NODE_COLOURS.variant : '#fff', 'stroke-width': 1.5 });
    grp.append(shape);
    const props = Object.entries(n.props || {}).filter(([, v]) => v !== null && v !== undefined).map(([k, v]) => `${k}=${v}`).join(' ');
    grp.append(s('title', {}, `${n.kind} ${n.label}${props ? `\n${props}` : ''}`));
    const outside = n.depth > 0;
    const lx = outside ? p.x + (r + 4) * Math.cos(p.a) : p.x;
    const ly = outside ? p.y + (r + 4) * Math.sin(p.a) + 4 : p.y + r + 14;
    const anchor = !outside ? 'middle' : Math.cos(p.a) >= 0 ? 'start' : 'end';
    grp.append(s('text', { x: lx, y: ly, 'text-anchor': anchor, class: n.depth === 0 ? 'center-label' : '' }, n.depth === 0 ? n.label : shortLabel(n.label)));
    grp.addEventListener('click', () => onNode(n));
    grp.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') onNode(n); });
    svg.append(grp);
  }
  return svg;
}

// ---- pages --------------------------------------------------------------------------------------
async function workspacePage() {
  const head = h('h2', {}, 'Workspace');
  const filesBox = h('section', { class: 'card', id: 'files' }, h('h3', {}, 'Files'), h('p', { class: 'muted' }, 'loading…'));
  const samplesBox = h('section', { class: 'card', id: 'samples' }, h('h3', {}, 'Samples'));
  const fileInput = h('input', { type: 'file', id: 'upload-file', accept: '.vcf,.gz,.bgz,.bz2,.vcf.gz' });
  const progress = h('progress', { id: 'ingest-progress', max: 1, value: 0 });
  const status = h('span', { id: 'ingest-status', class: 'muted' }, 'no ingest running');
  const pathSelect = h('select', { id: 'server-file' }, h('option', { value: '' }, '(server-side file)'));
  const uploadBtn = h('button', { id: 'upload-btn', type: 'button', onclick: () => startUpload() }, 'Upload and ingest');
  const pathBtn = h('button', { id: 'path-btn', type: 'button', class: 'secondary', onclick: () => startPathIngest() }, 'Ingest server file');
  const ingestBox = h('section', { class: 'card', id: 'ingest' }, h('h3', {}, 'Add data'),
    h('p', {}, fileInput, ' ', uploadBtn), h('p', {}, pathSelect, ' ', pathBtn), h('p', {}, progress, ' ', status));
  view.replaceChildren(head, ingestBox, filesBox, samplesBox);

  async function follow(job) {
    status.textContent = `job ${job.id.slice(0, 8)}: ${job.status}`;
    const res = await fetch(`/api/v1/jobs/${job.id}/events`, { headers: authHeaders() });
    await readSse(res, (type, d) => {
      if (typeof d.progress === 'number') progress.value = d.progress;
      if (type === 'phase') status.textContent = `${d.phase}${d.file ? ` ${d.file}` : ''} (${Math.round(d.progress * 100)}%)`;
      else if (type === 'progress') status.textContent = `${fmt(d.records)} records`;
      else if (type === 'done') { status.textContent = `done: ${d.files.map((f) => `${f.file} ${f.status}, ${fmt(f.records)} records, ${fmt(f.variants)} variants`).join('; ')}`; status.dataset.state = 'done'; }
      else if (type === 'error') { status.textContent = `failed: ${d.error ?? d.message}`; status.dataset.state = 'failed'; }
    });
    await loadLists();
  }
  async function startUpload() {
    clearError();
    const f = fileInput.files && fileInput.files[0];
    if (!f) { showError('choose a VCF file first'); return; }
    const fd = new FormData();
    fd.append('file', f, f.name);
    progress.value = 0;
    status.dataset.state = 'running';
    status.textContent = `uploading ${f.name}…`;
    try { await follow(await api('/api/v1/ingest/upload', { method: 'POST', body: fd })); } catch (e) { showError(e); }
  }
  async function startPathIngest() {
    clearError();
    if (!pathSelect.value) { showError('choose a server-side file first'); return; }
    progress.value = 0;
    status.dataset.state = 'running';
    try { await follow(await api('/api/v1/ingest', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ files: [pathSelect.value] }) })); } catch (e) { showError(e); }
  }
  async function loadLists() {
    try {
      const ws = await api('/api/v1/workspace');
      const f = ws.facts;
      filesBox.replaceChildren(h('h3', {}, 'Files'),
        h('p', { class: 'muted' }, `${fmt(f.rows.variants)} variant rows, ${fmt(f.rows.genotypes)} stored calls, ${fmt(f.distinctSamples)} samples — ${f.workspace}`),
        table(ws.rows.map((r) => ({ file_id: r.file_id, path: r.path, status: r.status, records: r.n_records, variants: r.n_variants, samples: r.samples_n, committed: r.committed }))));
      const samples = await api('/api/v1/samples?limit=10000');
      samplesBox.replaceChildren(h('h3', {}, `Samples (${samples.rowCount})`),
        table(samples.rows, ['sample', 'file_id', 'file'], (r) => { location.hash = `#/sample/${encodeURIComponent(r.sample)}`; }));
    } catch (e) {
      if (e.status === 404) filesBox.replaceChildren(h('h3', {}, 'Files'), h('p', { class: 'muted' }, 'the workspace is empty: upload a VCF file to start'));
      else showError(e);
    }
  }
  try {
    const files = await api('/api/v1/files');
    for (const f of files.rows) pathSelect.append(h('option', { value: f.path }, f.path));
  } catch (e) { showError(e); }
  await loadLists();
}

async function variantsPage(params) {
  const q = new URLSearchParams(params);
  const include = h('input', { name: 'include', placeholder: 'bcftools expression, e.g. QUAL>50 && INFO/AF<0.01', value: q.get('include') || '' });
  const region = h('input', { name: 'region', placeholder: 'chr1:1000-2000', value: q.get('region') || '' });
  const gene = h('select', { name: 'gene' }, h('option', { value: '' }, '(any gene)'));
  const sample = h('select', { name: 'sample' }, h('option', { value: '' }, '(any sample)'));
  const limit = 50;
  let offset = Number(q.get('offset') || 0);
  const info = h('span', { id: 'variant-count', class: 'muted' });
  const prev = h('button', { type: 'button', class: 'secondary', id: 'prev', onclick: () => { offset = Math.max(0, offset - limit); load(); } }, '◀ Previous');
  const next = h('button', { type: 'button', class: 'secondary', id: 'next', onclick: () => { offset += limit; load(); } }, 'Next ▶');
  const exportTsv = h('button', { type: 'button', class: 'secondary', id: 'export-tsv', onclick: () => download('tsv') }, 'Export TSV');
  const exportJsonl = h('button', { type: 'button', class: 'secondary', id: 'export-jsonl', onclick: () => download('jsonl') }, 'Export JSONL');
  const form = h('form', { class: 'filters', id: 'variant-filters', onsubmit: (ev) => { ev.preventDefault(); offset = 0; load(); } },
    h('label', {}, 'Filter (-i)', include), h('label', {}, 'Region', region), h('label', {}, 'Gene', gene), h('label', {}, 'Sample', sample),
    h('button', { type: 'submit', id: 'apply' }, 'Apply'));
  const tableBox = h('div', { id: 'variant-table' });
  view.replaceChildren(h('h2', {}, 'Variants'), form, h('div', { class: 'pager' }, prev, next, info, exportTsv, exportJsonl), tableBox, h('p', { class: 'muted', id: 'variant-command' }));

  const query = () => {
    const p = new URLSearchParams();
    if (include.value.trim()) p.set('include', include.value.trim());
    if (region.value.trim()) p.set('region', region.value.trim());
    if (gene.value) p.set('gene', gene.value);
    if (sample.value) p.set('sample', sample.value);
    return p;
  };
  async function download(kind) {
    try {
      const p = query();
      p.set('export', kind);
      const res = await fetch(`/api/v1/variants?${p}`, { headers: authHeaders() });
      if (!res.ok) throw new ApiError(res.status, await res.json());
      const url = URL.createObjectURL(await res.blob());
      const a = h('a', { href: url, download: `variants.${kind}` });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    } catch (e) { showError(e); }
  }
  async function load() {
    clearError();
    const p = query();
    p.set('offset', String(offset));
    p.set('limit', String(limit));
    tableBox.setAttribute('aria-busy', 'true');
    try {
      const r = await api(`/api/v1/variants?${p}`);
      const cols = ['key', 'qual', 'filter', 'vtype', 'gene', 'consequence', 'impact', 'hgvs_p', 'af', 'clnsig', ...(sample.value ? ['sample', 'gt', 'zygosity'] : [])];
      tableBox.replaceChildren(table(r.rows, cols, (row) => { location.hash = `#/variant/${encodeURIComponent(row.key)}`; }));
      info.textContent = r.rowCount ? `${fmt(offset + 1)}–${fmt(Math.min(offset + limit, r.rowCount))} of ${fmt(r.rowCount)} variants` : 'no variants match';
      info.dataset.count = String(r.rowCount);
      prev.disabled = offset === 0;
      next.disabled = offset + limit >= r.rowCount;
      document.getElementById('variant-command').textContent = r.commands.join('\n');
      history.replaceState(null, '', `#/variants?${query()}`);
    } catch (e) { showError(e); tableBox.replaceChildren(); info.textContent = ''; }
    tableBox.setAttribute('aria-busy', 'false');
  }
  try {
    const [genes, samples] = await Promise.all([api('/api/v1/genes'), api('/api/v1/samples?limit=10000')]);
    for (const g of genes.rows) gene.append(h('option', { value: g.gene }, `${g.gene} (${g.variants})`));
    for (const n of [...new Set(samples.rows.map((r) => r.sample))]) sample.append(h('option', { value: n }, n));
    gene.value = q.get('gene') || '';
    sample.value = q.get('sample') || '';
  } catch (e) { if (e.status !== 404) showError(e); }
  await load();
}

const graphHash = (kind, name) => `#/graph?kind=${kind}&name=${encodeURIComponent(name)}`;

async function variantPage(key) {
  view.replaceChildren(h('h2', {}, `Variant ${key}`), h('p', { class: 'muted' }, 'loading…'));
  const similarBox = h('section', { class: 'card', id: 'similar' }, h('h3', {}, 'Similar variants'), h('p', { class: 'muted' }, 'loading…'));
  const bySelect = h('select', { id: 'similar-by', 'aria-label': 'similar by', onchange: () => loadSimilar() },
    h('option', { value: 'features' }, 'by features'), h('option', { value: 'carriers' }, 'by carriers'));
  try {
    const r = await api(`/api/v1/variants/${encodeURIComponent(key)}?limit=10000`);
    const recs = r.facts.records || [];
    view.replaceChildren(h('h2', {}, `Variant ${key}`),
      h('section', { class: 'card', id: 'annotations' }, h('h3', {}, 'Annotation (per file)'), recs.length ? table(recs) : h('p', { class: 'muted' }, 'not in the store')),
      h('section', { class: 'card', id: 'carriers' }, h('h3', {}, `Carriers (${r.rowCount})`),
        table(r.rows, ['sample', 'gt', 'zygosity', 'dp', 'gq', 'file_id'], (row) => { location.hash = `#/sample/${encodeURIComponent(row.sample)}`; })),
      similarBox,
      h('p', {}, h('a', { href: graphHash('variant', key), id: 'variant-graph-link' }, 'Explore its neighbourhood in the graph')),
      h('p', { class: 'muted' }, h('code', {}, r.commands.join('\n'))));
    if (!recs.length) { similarBox.replaceChildren(h('h3', {}, 'Similar variants'), h('p', { class: 'muted' }, 'not in the store')); return; }
    await loadSimilar();
  } catch (e) { showError(e); }

  async function loadSimilar() {
    const by = bySelect.value;
    try {
      const sim = await api(`/api/v1/variants/${encodeURIComponent(key)}/similar?k=11&by=${by}`);
      const rows = sim.rows.filter((x) => x.key !== key);
      similarBox.replaceChildren(h('h3', {}, 'Similar variants ', bySelect),
        rows.length ? table(rows, ['key', 'gene', 'impact', 'vtype', 'af', 'n_carriers', 'distance', 'why'], (row) => { location.hash = `#/variant/${encodeURIComponent(row.key)}`; }) : h('p', { class: 'muted' }, 'no similar variant'),
        h('p', { class: 'muted' }, h('code', {}, sim.commands.join('\n'))));
      similarBox.dataset.count = String(rows.length);
    } catch (e) {
      // a store without vectors (ingested before the embed phase) has no similar variants: say so, the page still works
      similarBox.replaceChildren(h('h3', {}, 'Similar variants ', bySelect), h('p', { class: 'muted' }, `not available: ${e.message}`));
      similarBox.dataset.count = '0';
    }
  }
}

async function samplePage(name) {
  view.replaceChildren(h('h2', {}, `Sample ${name}`), h('p', { class: 'muted' }, 'loading…'));
  try {
    const r = await api(`/api/v1/samples/${encodeURIComponent(name)}`);
    const f = r.facts;
    const calls = { ...f.calls };
    const [who, depth] = await Promise.all([api('/api/v1/whoami'), api(`/api/v1/samples/${encodeURIComponent(name)}/depth`)]);
    const files = f.files || [];
    const report = files.length && !who.auth
      ? h('section', { class: 'card', id: 'report' }, h('h3', {}, `Stats report of ${files[0].path}`), h('iframe', { class: 'report', title: 'stats report', src: `/api/v1/report?file=${encodeURIComponent(files[0].path)}` }))
      : h('p', { class: 'muted' }, files.length ? `Stats report: vcf-agent report ${files[0].path}` : '');
    view.replaceChildren(h('h2', {}, `Sample ${name}`),
      h('p', { class: 'muted' }, `${fmt(r.rowCount)} distinct non-reference variants; ${fmt(f.refBlocks)} gVCF reference blocks; files: ${files.map((x) => x.path).join(', ')}`),
      h('div', { class: 'plots', id: 'sample-plots' },
        barPlot('Stored calls by zygosity (het / hom-alt / missing)', calls, 'zygosity'),
        barPlot('Non-reference calls by impact', f.byImpact, 'impact'),
        barPlot('ClinVar significance', f.clinvar, 'clinvar'),
        barPlot('Top genes (calls)', Object.fromEntries(r.rows.map((g) => [g.gene, g.calls])), 'genes'),
        depthPlot(depth)),
      h('p', {}, h('a', { href: `#/variants?sample=${encodeURIComponent(name)}` }, `Browse the variants of ${name}`), ' · ',
        h('a', { href: graphHash('sample', name), id: 'sample-graph-link' }, 'Explore its neighbourhood in the graph')),
      report,
      h('p', { class: 'muted' }, h('code', {}, r.commands.join('\n'))));
  } catch (e) { showError(e); }
}

async function graphPage(params) {
  const q = new URLSearchParams(params);
  const kind = h('select', { name: 'kind' }, ['variant', 'gene', 'sample'].map((k) => h('option', { value: k }, k)));
  kind.value = q.get('kind') || 'gene';
  const name = h('input', { name: 'name', placeholder: 'variant key CHROM:POS:REF:ALT, gene or sample', value: q.get('name') || '', size: 32 });
  const limit = h('input', { name: 'limit', type: 'number', min: 1, max: 500, value: q.get('limit') || 40, size: 5 });
  const form = h('form', { class: 'filters', id: 'graph-form', onsubmit: (ev) => { ev.preventDefault(); go(kind.value, name.value.trim()); } },
    h('label', {}, 'Centre', kind), h('label', {}, 'Name', name), h('label', {}, 'Neighbours', limit), h('button', { type: 'submit', id: 'graph-go' }, 'Show'));
  const info = h('p', { class: 'muted', id: 'graph-info' });
  const box = h('div', { class: 'graph-box', id: 'graph' });
  const legend = h('p', { class: 'legend muted' }, '▲ sample  ● variant (colour: impact)  ■ gene — thick green edge: hom-alt call. Click a node to centre on it; ',
    h('a', { href: '#', id: 'graph-open', onclick: (ev) => { ev.preventDefault(); openPage(); } }, 'open the centre’s page'), '.');
  view.replaceChildren(h('h2', {}, 'Graph explorer'), form, legend, info, box);

  function go(k, n) {
    if (!n) { showError('enter a variant key, gene or sample'); return; }
    location.hash = `${graphHash(k, n)}&limit=${encodeURIComponent(limit.value || 40)}`;
  }
  function openPage() {
    const n = name.value.trim();
    if (!n) return;
    if (kind.value === 'variant') location.hash = `#/variant/${encodeURIComponent(n)}`;
    else if (kind.value === 'sample') location.hash = `#/sample/${encodeURIComponent(n)}`;
    else location.hash = `#/variants?gene=${encodeURIComponent(n)}`;
  }
  if (!q.get('name')) {
    // nothing chosen yet: offer the genes with the most variants
    try {
      const genes = await api('/api/v1/genes');
      info.replaceChildren('Pick a centre, e.g. ', ...genes.rows.slice(0, 8).flatMap((g, i) => [i ? ', ' : '', h('a', { href: graphHash('gene', g.gene) }, g.gene)]));
    } catch (e) { if (e.status !== 404) showError(e); }
    return;
  }
  try {
    const g = await api(`/api/v1/graph/neighbourhood?kind=${kind.value}&name=${encodeURIComponent(name.value)}&limit=${encodeURIComponent(limit.value || 40)}`);
    const count = (k) => g.nodes.filter((n) => n.kind === k).length;
    info.textContent = `${g.center.kind} ${g.center.name}: ${fmt(g.neighbours)} neighbour(s)${g.truncated ? `, the ${g.limit} most severe drawn` : ''}; ${count('sample')} sample(s), ${count('variant')} variant(s), ${count('gene')} gene(s), ${g.edges.length} edge(s)`;
    box.replaceChildren(graphSvg(g, (n) => go(n.kind, n.label)));
  } catch (e) { showError(e); }
}

function chatPage() {
  const input = h('textarea', { id: 'question', rows: 3, cols: 70, placeholder: 'e.g. which samples carry a HIGH-impact variant in BRCA2?' });
  const answer = h('div', { class: 'answer', id: 'answer' });
  const trace = h('ol', { class: 'trace', id: 'trace' });
  const how = h('pre', { id: 'how', hidden: true });
  const state = h('span', { id: 'chat-state', class: 'muted' });
  const send = h('button', { type: 'submit', id: 'ask' }, 'Ask');
  let session = sessionStorage.getItem('vcf-agent-session') || newSessionId();
  sessionStorage.setItem('vcf-agent-session', session);
  const form = h('form', { id: 'chat-form', onsubmit: async (ev) => {
    ev.preventDefault();
    const question = input.value.trim();
    if (!question) return;
    clearError();
    answer.textContent = '';
    trace.replaceChildren();
    how.hidden = true;
    send.disabled = true;
    state.textContent = 'thinking…';
    state.dataset.state = 'running';
    try {
      const res = await fetch('/api/v1/ask', { method: 'POST', headers: authHeaders({ 'content-type': 'application/json' }), body: JSON.stringify({ question, session }) });
      if (!res.ok) throw new ApiError(res.status, await res.json());
      await readSse(res, (type, d) => {
        if (type === 'text') answer.append(d.delta);
        else if (type === 'tool') trace.append(h('li', { dataset: { tool: d.tool } },
          h('span', { class: `status-${d.status}` }, `${d.tool} ${d.status}`), d.rowCount !== null ? ` — ${fmt(d.rowCount)} rows` : '', d.message ? ` — ${d.message}` : '',
          ...d.commands.map((c) => h('div', {}, h('code', {}, c)))));
        else if (type === 'done') {
          if (!answer.textContent) answer.textContent = d.answer;
          how.textContent = d.howComputed + (d.grounding.unverified.length ? `\n\nGrounding check: not found in any tool result: ${d.grounding.unverified.join(', ')}` : '');
          how.hidden = false;
          state.textContent = `${d.steps} step(s), ${d.toolCalls.length} tool call(s), ${d.usage.inputTokens} / ${d.usage.outputTokens} tokens`;
          state.dataset.state = 'done';
        } else if (type === 'error') { showError(d.error); state.dataset.state = 'failed'; }
      });
    } catch (e) { showError(e); state.dataset.state = 'failed'; }
    if (state.dataset.state === 'running') state.textContent = '';
    send.disabled = false;
  } }, input, h('div', {}, send, ' ', state));
  const newChat = h('button', { type: 'button', class: 'secondary', onclick: () => { session = newSessionId(); sessionStorage.setItem('vcf-agent-session', session); answer.textContent = ''; trace.replaceChildren(); how.hidden = true; } }, 'New conversation');
  view.replaceChildren(h('h2', {}, 'Ask the agent'),
    h('div', { class: 'chat' },
      h('section', { class: 'card' }, form, h('h3', {}, 'Answer'), answer, how, newChat),
      h('section', { class: 'card' }, h('h3', {}, 'Tool trace'), trace)));
}

// ---- router -------------------------------------------------------------------------------------
async function route() {
  clearError();
  const hash = location.hash.replace(/^#\/?/, '') || 'workspace';
  const [pathPart, qs] = hash.split('?');
  const [page, ...rest] = pathPart.split('/');
  const arg = decodeURIComponent(rest.join('/'));
  for (const a of document.querySelectorAll('[data-nav]')) a.classList.toggle('active', a.dataset.nav === page);
  document.body.dataset.page = page;
  if (page === 'variants') await variantsPage(qs || '');
  else if (page === 'variant') await variantPage(arg);
  else if (page === 'sample') await samplePage(arg);
  else if (page === 'graph') await graphPage(qs || '');
  else if (page === 'chat') chatPage();
  else await workspacePage();
  document.body.dataset.ready = page;
}

window.addEventListener('hashchange', () => { delete document.body.dataset.ready; route(); });
route();
