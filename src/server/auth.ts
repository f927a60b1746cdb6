/**
 * Who may call the API: bearer tokens with a role, from VCF_AGENT_TOKENS ("token:role,token:role")
 * and/or a tokens file (one "token:role" per line; blank lines and # comments ignored).
 * Roles: read-only (every query) and admin (also ingest). Without any token the server runs open,
 * and only on a loopback address (see checkBind).
 */
import * as fs from 'node:fs';
import { timingSafeEqual } from 'node:crypto';
import { VcfError } from '../vcf/errors.js';

export const ROLES = ['read-only', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface TokenEntry { token: string; role: Role }

function parseEntry(s: string, where: string): TokenEntry {
  const i = s.lastIndexOf(':');
  const token = (i < 0 ? '' : s.slice(0, i)).trim();
  const role = (i < 0 ? '' : s.slice(i + 1)).trim();
  if (!token || !role) throw new VcfError('SERVE_BAD_TOKEN', `${where}: expected token:role (role read-only or admin)`, {}, 'usage');
  if (!(ROLES as readonly string[]).includes(role)) throw new VcfError('SERVE_BAD_TOKEN', `${where}: unknown role "${role}" (expected read-only or admin)`, {}, 'usage');
  if (token.length < 8) throw new VcfError('SERVE_BAD_TOKEN', `${where}: token too short (at least 8 characters)`, {}, 'usage');
  return { token, role: role as Role };
}

/** tokens from the environment value and the file (either may be absent) */
export function loadTokens(env: string | undefined, file: string | undefined): TokenEntry[] {
  const out: TokenEntry[] = [];
  if (env && env.trim()) {
    env.split(',').map((s) => s.trim()).filter(Boolean).forEach((s, k) => out.push(parseEntry(s, `VCF_AGENT_TOKENS entry ${k + 1}`)));
  }
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new VcfError('SERVE_TOKENS_FILE', `cannot read the tokens file: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file }, 'usage');
    }
    text.split('\n').forEach((l, k) => {
      const s = l.trim();
      if (!s || s.startsWith('#')) return;
      try {
        out.push(parseEntry(s, `line ${k + 1}`));
      } catch (e) {
        throw new VcfError('SERVE_BAD_TOKEN', (e as VcfError).message, { file, line: k + 1 }, 'usage');
      }
    });
  }
  return out;
}

/** the role of a bearer token, or undefined (constant-time comparison per token) */
export function roleOf(tokens: TokenEntry[], header: string | undefined): Role | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return undefined;
  const got = Buffer.from(m[1]);
  let role: Role | undefined;
  for (const t of tokens) {
    const want = Buffer.from(t.token);
    if (want.length === got.length && timingSafeEqual(want, got)) role = t.role;
  }
  return role;
}

/** 127.0.0.0/8, ::1, localhost */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

/** Without tokens the server may listen on a loopback address only. */
export function checkBind(host: string, tokens: TokenEntry[]): void {
  if (!tokens.length && !isLoopback(host)) {
    throw new VcfError('SERVE_NO_TOKENS', `refusing to listen on ${host} without authentication: set VCF_AGENT_TOKENS="token:admin,..." or --tokens-file, or use --host 127.0.0.1`, {}, 'usage');
  }
}
