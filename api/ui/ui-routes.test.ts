// The UI files are served from memory with the strict Content-Security-Policy; a missing build
// says how to make one instead of failing the API.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerUi, UI_CONTENT_SECURITY_POLICY } from './ui-routes.ts';

function nonceOf(html: string): string {
  return /<meta name="sluice-style-nonce" content="([^"]+)"/.exec(html)?.[1] ?? 'none';
}

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-ui-routes-'));
  await mkdir(join(dir, 'assets'));
  await writeFile(
    join(dir, 'index.html'),
    '<!doctype html><html><head><title>Sluice</title></head><body></body></html>',
  );
  await writeFile(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(join(dir, 'assets', 'notes.txt'), 'not served');
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('UI routes', () => {
  it('serves index.html and hashed assets with the CSP and no framing', async () => {
    const app = Fastify();
    await registerUi(app, { dir });
    const index = await app.inject({ url: '/' });
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    // The editor's <style> element may carry this page's nonce; nothing else is inline.
    const nonce = nonceOf(index.body);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{24}$/);
    expect(index.headers['content-security-policy']).toBe(
      UI_CONTENT_SECURITY_POLICY.replace("style-src 'self'", `style-src 'self' 'nonce-${nonce}'`),
    );
    const again = await app.inject({ url: '/' });
    expect(nonceOf(again.body)).not.toBe(nonce);
    expect(index.headers['x-frame-options']).toBe('DENY');
    expect(index.headers['cache-control']).toBe('no-store');
    expect(index.body).toContain('<title>Sluice</title>');

    const script = await app.inject({ url: '/assets/index-abc.js?v=1' });
    expect(script.statusCode).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    expect(script.body).toBe('console.log(1)');

    for (const url of ['/assets/notes.txt', '/assets/../index.html', '/assets/missing.js']) {
      expect((await app.inject({ url })).statusCode).toBe(404);
    }
    await app.close();
  });

  it('allows scripts, styles and requests of its own origin only, and nothing inline', () => {
    expect(UI_CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(UI_CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(UI_CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
    expect(UI_CONTENT_SECURITY_POLICY).not.toMatch(/unsafe|\*/);
  });

  it('answers 503 with what to run when the UI is not built', async () => {
    const app = Fastify();
    await registerUi(app, { dir: join(dir, 'nowhere') });
    const reply = await app.inject({ url: '/' });
    expect(reply.statusCode).toBe(503);
    expect(reply.body).toContain('npm run build:ui');
    expect(reply.headers['content-security-policy']).toBe(UI_CONTENT_SECURITY_POLICY);
    await app.close();
  });
});
