/**
 * The web page: plain HTML/CSS/JS files in src/web, read once at start-up and served from memory.
 * The directory is found from this module's location (dist/src/server or src/server) by walking up
 * to the package root, so it works from a clone and from an installed package alike.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/** src/web of the package this module belongs to */
export function webDir(): string | undefined {
  let d = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const cand = path.join(d, 'src', 'web');
    if (fs.existsSync(path.join(d, 'package.json')) && fs.existsSync(path.join(cand, 'index.html'))) return cand;
    const up = path.dirname(d);
    if (up === d) break;
    d = up;
  }
  return undefined;
}

const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'";

export function registerWeb(app: FastifyInstance): void {
  const dir = webDir();
  const files = new Map<string, { body: Buffer; type: string }>();
  if (dir) {
    for (const f of fs.readdirSync(dir)) {
      const type = TYPES[path.extname(f)];
      if (type) files.set(f, { body: fs.readFileSync(path.join(dir, f)), type });
    }
  }
  const send = (name: string) => async (_req: unknown, reply: import('fastify').FastifyReply) => {
    const f = files.get(name);
    if (!f) return reply.status(404).send({ error: `the web page is not installed (${dir ?? 'src/web not found'})`, rule: 'SERVE_NO_WEB' });
    return reply.type(f.type).header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('cache-control', 'no-cache').send(f.body);
  };
  app.get('/', { schema: { hide: true } }, send('index.html'));
  app.get('/web/:file', { schema: { hide: true } }, async (req, reply) => send((req.params as { file: string }).file)(req, reply));
}
