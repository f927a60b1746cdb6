/**
 * Ingest jobs of the server: one at a time (the workspace has one writer), each in a child process
 * (ingest-child.ts, the store's ingestFiles) so the server keeps answering queries while it runs. Each job keeps its events (phase changes, progress, the result or the
 * error) so a client connecting late to the event stream gets them all, then the live ones.
 */
import { fork } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { fileURLToPath } from 'node:url';
import { EventEmitter } from 'node:events';
import type { IngestPhase, IngestResult } from '../store/ingest.js';
import { VcfError } from '../vcf/errors.js';
import type { ServerMetrics } from './metrics.js';

export type JobStatus = 'queued' | 'running' | 'done' | 'failed';

export interface JobEvent { type: 'status' | 'phase' | 'progress' | 'done' | 'error'; data: Record<string, unknown> }

export interface Job {
  id: string;
  files: string[];
  /** names as the user gave them (upload file names or paths) */
  names: string[];
  status: JobStatus;
  phase?: IngestPhase;
  file?: string;
  /** 0..1 (phases done over phases to do) */
  progress: number;
  records: number;
  created: string;
  finished?: string;
  result?: IngestResult;
  error?: { rule: string; message: string };
  events: JobEvent[];
  /** cleanup after the job (uploaded temp files) */
  cleanup?: () => void;
}

const FILE_PHASES: IngestPhase[] = ['hash', 'parse', 'append', 'index', 'embed', 'commit'];

export class JobQueue {
  private readonly jobs = new Map<string, Job>();
  private readonly order: string[] = [];
  private readonly emitter = new EventEmitter();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly db: string | undefined, private readonly metrics: ServerMetrics, private readonly keep = 100) {
    this.emitter.setMaxListeners(0);
  }

  get(id: string): Job | undefined {
    return this.jobs.get(id);
  }

  list(): Job[] {
    return this.order.map((id) => this.jobs.get(id)!).filter(Boolean);
  }

  /** running or queued jobs */
  active(): number {
    return this.list().filter((j) => j.status === 'queued' || j.status === 'running').length;
  }

  submit(files: string[], names: string[], cleanup?: () => void): Job {
    const job: Job = { id: randomUUID(), files, names, status: 'queued', progress: 0, records: 0, created: new Date().toISOString(), events: [], cleanup };
    this.jobs.set(job.id, job);
    this.order.push(job.id);
    while (this.order.length > this.keep) {
      const old = this.jobs.get(this.order[0]);
      if (old && (old.status === 'queued' || old.status === 'running')) break;
      this.jobs.delete(this.order.shift()!);
    }
    this.emit(job, { type: 'status', data: { status: 'queued' } });
    this.chain = this.chain.then(() => this.run(job));
    return job;
  }

  /** resolves when every submitted job has finished */
  idle(): Promise<void> {
    return this.chain;
  }

  /** every past event, then live ones until the job ends; returns the unsubscribe function */
  subscribe(id: string, fn: (e: JobEvent) => void): () => void {
    const job = this.jobs.get(id);
    if (!job) return () => undefined;
    for (const e of job.events) fn(e);
    if (job.status === 'done' || job.status === 'failed') return () => undefined;
    const l = (jid: string, e: JobEvent): void => { if (jid === id) fn(e); };
    this.emitter.on('event', l);
    return () => this.emitter.off('event', l);
  }

  private emit(job: Job, e: JobEvent): void {
    job.events.push(e);
    this.emitter.emit('event', job.id, e);
  }

  private async run(job: Job): Promise<void> {
    job.status = 'running';
    this.emit(job, { type: 'status', data: { status: 'running' } });
    const n = job.files.length;
    let fileIdx = -1;
    let lastFile: string | undefined;
    const t0 = Date.now();
    let fileStart = t0;
    let fileRecords = 0;
    let earlierRecords = 0;
    const progress = (phase: IngestPhase): number => {
      if (phase === 'recover') return 0;
      if (phase === 'graph') return 0.92;
      if (phase === 'done') return 1;
      const k = FILE_PHASES.indexOf(phase);
      return (0.9 * (Math.max(fileIdx, 0) + (k + 1) / (FILE_PHASES.length + 1))) / n;
    };
    const opts = {
      onPhase: (phase: IngestPhase, file?: string) => {
        if (file && file !== lastFile) {
          lastFile = file;
          fileIdx++;
          fileStart = Date.now();
          earlierRecords += fileRecords;
          fileRecords = 0;
        }
        job.phase = phase;
        job.file = file;
        job.progress = Math.max(job.progress, progress(phase));
        this.emit(job, { type: 'phase', data: { phase, file: file ? job.names[job.files.indexOf(file)] ?? file : undefined, progress: job.progress, fileIndex: fileIdx, files: n } });
      },
      // after each appended batch: records read so far (the live records/s gauge)
      onProgress: (_file: string, records: number) => {
        fileRecords = records;
        const s = (Date.now() - fileStart) / 1000;
        if (s > 0) this.metrics.ingestRate.set(records / s);
        this.emit(job, { type: 'progress', data: { records: earlierRecords + records, progress: job.progress } });
      },
    };
    try {
      const res = await ingestInChild(job.files, this.db, opts);
      const records = res.files.filter((f) => f.status === 'ingested').reduce((a, f) => a + f.records, 0);
      job.records = records;
      this.metrics.ingestRecords.inc(records);
      const secs = (Date.now() - t0) / 1000;
      if (records && secs > 0) this.metrics.ingestRate.set(records / secs);
      job.result = res;
      job.status = 'done';
      job.progress = 1;
      this.metrics.ingestJobs.inc({ status: 'done' });
      job.finished = new Date().toISOString();
      this.emit(job, { type: 'done', data: { status: 'done', progress: 1, records, seconds: secs, files: res.files.map((f, i) => ({ ...f, file: job.names[i] ?? f.file })) } });
    } catch (e) {
      const err = e instanceof ChildIngestError ? { rule: e.rule, message: e.message } : e instanceof VcfError ? { rule: e.code, message: e.oneLine() } : { rule: 'INTERNAL', message: ((e as Error).message ?? String(e)).split('\n')[0].slice(0, 500) };
      job.error = err;
      job.status = 'failed';
      job.finished = new Date().toISOString();
      this.metrics.ingestJobs.inc({ status: 'failed' });
      this.emit(job, { type: 'error', data: { status: 'failed', ...err } });
    } finally {
      try { job.cleanup?.(); } catch { /* temp files only */ }
    }
  }
}

/** an error the ingest process reported (its message is already one line with the rule) */
class ChildIngestError extends Error {
  constructor(readonly rule: string, message: string) { super(message); }
}

/** run ingestFiles in a child process; phase and progress callbacks from its messages */
function ingestInChild(files: string[], db: string | undefined, cb: { onPhase: (p: IngestPhase, file?: string) => void; onProgress: (file: string, records: number) => void }): Promise<IngestResult> {
  const script = fileURLToPath(new URL('./ingest-child.js', import.meta.url));
  const child = fork(script, [], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
  // background work: queries answered meanwhile get the CPU first
  try { if (child.pid) os.setPriority(child.pid, 10); } catch { /* not permitted here: normal priority */ }
  let stderr = '';
  child.stderr?.on('data', (d) => { stderr = (stderr + String(d)).slice(-2000); });
  return new Promise((resolve, reject) => {
    let settled = false;
    child.on('message', (m: { t: string; phase?: IngestPhase; file?: string; records?: number; res?: IngestResult; rule?: string; message?: string }) => {
      if (m.t === 'phase') cb.onPhase(m.phase!, m.file);
      else if (m.t === 'progress') cb.onProgress(m.file!, m.records!);
      else if (m.t === 'done') { settled = true; resolve(m.res!); }
      else if (m.t === 'error') { settled = true; reject(new ChildIngestError(m.rule ?? 'INTERNAL', m.message ?? 'ingest failed')); }
    });
    child.on('error', (e) => { if (!settled) { settled = true; reject(e); } });
    child.on('exit', (code, signal) => {
      if (!settled) { settled = true; reject(new Error(`the ingest process ended (${signal ?? `exit code ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').pop()}` : ''}`)); }
    });
    child.send({ files, db });
  });
}

/** what the API shows of a job */
export function jobView(j: Job): Record<string, unknown> {
  return { id: j.id, files: j.names, status: j.status, phase: j.phase ?? null, progress: j.progress, records: j.records, created: j.created, finished: j.finished ?? null, result: j.result ?? null, error: j.error ?? null };
}
