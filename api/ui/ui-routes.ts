// Serves the web UI (the files `npm run build:ui` writes to ui/dist) at `/` on the API's own
// origin, with a strict Content-Security-Policy: scripts, styles and connections only from
// this origin, no inline code, no framing. The one exception is the <style> element the code
// editor (CodeMirror) writes its theme into: it carries a nonce that is new in every page. The UI keeps its token in memory and sends it as a
// Bearer header like every other client, so no cookie (and no CSRF surface) is involved.

import { randomBytes } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** Where `npm run build:ui` writes the UI. */
export const UI_DIST_DIR = fileURLToPath(new URL('../../ui/dist', import.meta.url));

/** The policy of a page whose editor styles carry `nonce`. */
export function uiContentSecurityPolicy(nonce: string): string {
  return UI_CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
  );
}

export const UI_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

interface UiFile {
  readonly body: Buffer;
  readonly type: string;
}

export interface UiOptions {
  /** The built UI; UI_DIST_DIR by default. */
  readonly dir?: string;
}

/** Every file of the built UI by URL path (`/index.html`, `/assets/…`); empty when not built. */
async function readUiFiles(dir: string): Promise<Map<string, UiFile>> {
  const files = new Map<string, UiFile>();
  let names: string[];
  try {
    names = await readdir(dir, { recursive: true });
  } catch {
    return files;
  }
  for (const name of names) {
    const type = CONTENT_TYPES[extname(name)];
    if (type === undefined) continue;
    const path = join(dir, name);
    files.set(`/${relative(dir, path).split(sep).join('/')}`, {
      body: await readFile(path),
      type,
    });
  }
  return files;
}

function securityHeaders(
  reply: FastifyReply,
  policy: string = UI_CONTENT_SECURITY_POLICY,
): FastifyReply {
  return reply
    .header('content-security-policy', policy)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer')
    .header('cross-origin-opener-policy', 'same-origin');
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sluice</title></head>
<body><h1>The web UI is not built</h1><p>Run <code>npm run build:ui</code> (or <code>scripts/bootstrap.sh</code>) and restart the API. The REST API and its documentation at <a href="/docs">/docs</a> work without it.</p></body></html>`;

/**
 * Registers `/` and `/assets/*`. The files are read once at start: the UI is built before
 * the API starts, and a file served from memory cannot be swapped underneath a running page.
 */
export async function registerUi(app: FastifyInstance, options: UiOptions = {}): Promise<void> {
  const files = await readUiFiles(options.dir ?? UI_DIST_DIR);
  const index = files.get('/index.html');
  const hidden = { schema: { hide: true } };
  const indexHtml = index?.body.toString('utf8');
  app.get('/', hidden, async (_request, reply) => {
    if (indexHtml === undefined) {
      securityHeaders(reply).header('cache-control', 'no-store');
      return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    const nonce = randomBytes(18).toString('base64');
    securityHeaders(reply, uiContentSecurityPolicy(nonce)).header('cache-control', 'no-store');
    // The UI hands the nonce to CodeMirror (EditorView.cspNonce) from this meta element.
    const html = indexHtml.replace(
      '</head>',
      `<meta name="sluice-style-nonce" content="${nonce}" />\n  </head>`,
    );
    return reply.type('text/html; charset=utf-8').send(html);
  });
  const favicon = files.get('/favicon.svg');
  if (favicon !== undefined) {
    app.get('/favicon.svg', hidden, async (_request, reply) =>
      securityHeaders(reply).type(favicon.type).send(favicon.body),
    );
  }
  app.get('/assets/*', hidden, async (request, reply) => {
    const file = files.get(request.url.split('?')[0] ?? '');
    if (file === undefined) {
      reply.callNotFound();
      return reply;
    }
    // Asset names carry a content hash: a new build has new names.
    securityHeaders(reply).header('cache-control', 'public, max-age=31536000, immutable');
    return reply.type(file.type).send(file.body);
  });
}
