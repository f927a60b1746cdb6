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

async function variantPage(key) {
  view.replaceChildren(h('h2', {}, `Variant ${key}`), h('p', { class: 'muted' }, 'loading…'));
  try {
    const r = await api(`/api/v1/variants/${encodeURIComponent(key)}?limit=10000`);
    const recs = r.facts.records || [];
    view.replaceChildren(h('h2', {}, `Variant ${key}`),
      h('section', { class: 'card', id: 'annotations' }, h('h3', {}, 'Annotation (per file)'), recs.length ? table(recs) : h('p', { class: 'muted' }, 'not in the store')),
      h('section', { class: 'card', id: 'carriers' }, h('h3', {}, `Carriers (${r.rowCount})`),
        table(r.rows, ['sample', 'gt', 'zygosity', 'dp', 'gq', 'file_id'], (row) => { location.hash = `#/sample/${encodeURIComponent(row.sample)}`; })),
      h('p', { class: 'muted' }, h('code', {}, r.commands.join('\n'))));
  } catch (e) { showError(e); }
}

async function samplePage(name) {
  view.replaceChildren(h('h2', {}, `Sample ${name}`), h('p', { class: 'muted' }, 'loading…'));
  try {
    const r = await api(`/api/v1/samples/${encodeURIComponent(name)}`);
    const f = r.facts;
    const calls = { ...f.calls };
    const who = await api('/api/v1/whoami');
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
        barPlot('Top genes (calls)', Object.fromEntries(r.rows.map((g) => [g.gene, g.calls])), 'genes')),
      h('p', {}, h('a', { href: `#/variants?sample=${encodeURIComponent(name)}` }, `Browse the variants of ${name}`)),
      report,
      h('p', { class: 'muted' }, h('code', {}, r.commands.join('\n'))));
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
  else if (page === 'chat') chatPage();
  else await workspacePage();
  document.body.dataset.ready = page;
}

window.addEventListener('hashchange', () => { delete document.body.dataset.ready; route(); });
route();
