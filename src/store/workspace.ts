/**
 * The workspace: one directory holding the store of a cohort.
 *
 * Chosen by `--db DIR`, else env `VCF_AGENT_DB`, else `./.vcf-agent`. Layout:
 *
 *   DIR/
 *     lance/        LanceDB database: the source of truth (tables variants, genotypes, samples, files)
 *     graph.kuzu    Kuzu graph database (plus its .wal): derived from lance/, rebuildable at any time
 *     tmp/          staging CSV files for the graph's COPY FROM (removed after each load)
 *     lock          writer lock: JSON {pid, host, command, since}; one writer (ingest, rebuild) at a time
 *
 * Readers take no lock: they see only ingests the catalog (`files`) marks committed (see tables.ts).
 * A second writer waits up to `waitMs` for the lock, then fails with a message naming the holder.
 * A lock whose PID is dead (same host) is stale and taken over.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VcfError } from '../vcf/errors.js';

export const DEFAULT_WORKSPACE = '.vcf-agent';

export interface Workspace {
  dir: string;
  lanceDir: string;
  graphPath: string;
  tmpDir: string;
  lockPath: string;
}

export function resolveWorkspace(db?: string): Workspace {
  const dir = path.resolve(db ?? process.env.VCF_AGENT_DB ?? DEFAULT_WORKSPACE);
  return {
    dir,
    lanceDir: path.join(dir, 'lance'),
    graphPath: path.join(dir, 'graph.kuzu'),
    tmpDir: path.join(dir, 'tmp'),
    lockPath: path.join(dir, 'lock'),
  };
}

/** true when the workspace holds a store (readers must not create one) */
export function workspaceExists(ws: Workspace): boolean {
  return fs.existsSync(ws.lanceDir);
}

export interface LockInfo { pid: number; host: string; command: string; since: string }

export interface WriterLock { release(): void; info: LockInfo }

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(p: string): LockInfo | undefined {
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8')) as LockInfo;
  } catch {
    return undefined;
  }
}

/**
 * Take the writer lock of the workspace (creating DIR). Polls every 100 ms for up to `waitMs`
 * (default 5 s) while another live process holds it; a lock of a dead PID on this host is taken over.
 */
export async function acquireWriterLock(ws: Workspace, command: string, waitMs = 5000): Promise<WriterLock> {
  fs.mkdirSync(ws.dir, { recursive: true });
  const info: LockInfo = { pid: process.pid, host: os.hostname(), command, since: new Date().toISOString() };
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const fd = fs.openSync(ws.lockPath, 'wx');
      fs.writeSync(fd, JSON.stringify(info));
      fs.closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        const cur = readLock(ws.lockPath);
        if (cur && cur.pid === info.pid) fs.rmSync(ws.lockPath, { force: true });
        process.removeListener('exit', release);
      };
      process.on('exit', release);
      return { release, info };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    const holder = readLock(ws.lockPath);
    const stale = holder === undefined
      ? lockAgeMs(ws.lockPath) > 2000 // unreadable and old: a writer died while writing it
      : holder.host === os.hostname() && !pidAlive(holder.pid);
    if (stale) {
      // take over: rename is atomic, so two processes cannot both remove a fresh lock
      const grave = `${ws.lockPath}.stale.${process.pid}`;
      try {
        fs.renameSync(ws.lockPath, grave);
        const moved = readLock(grave);
        if (moved && holder && moved.pid !== holder.pid) fs.renameSync(grave, ws.lockPath); // not the one we judged
        else fs.rmSync(grave, { force: true });
      } catch {
        // someone else took it over first
      }
      continue;
    }
    if (Date.now() >= deadline) {
      const who = holder ? `process ${holder.pid} (${holder.command}, since ${holder.since})` : 'another process';
      throw new VcfError('STORE_LOCKED', `workspace ${ws.dir} is being written by ${who}; try again when it has finished`, { file: ws.dir });
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

function lockAgeMs(p: string): number {
  try {
    return Date.now() - fs.statSync(p).mtimeMs;
  } catch {
    return Infinity;
  }
}
