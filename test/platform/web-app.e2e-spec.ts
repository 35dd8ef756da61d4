import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestApp, type TestApp } from '../support/test-app';

const WEB_CSP =
  "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data:;connect-src 'self';" +
  "font-src 'self';object-src 'none';frame-ancestors 'none';base-uri 'self';form-action 'self'";
const API_CSP = "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'";

/**
 * Issue 8: the portal serves the built web application at `/` (a stand-in build here, so the suite
 * does not depend on `npm run build`), its client routes fall back to index.html, and the API,
 * health and Swagger UI keep their own answers and headers.
 */
describe('Web application at / (issue 8)', () => {
  let t: TestApp;
  let webDir: string;

  beforeAll(async () => {
    webDir = mkdtempSync(join(tmpdir(), 'mla-web-'));
    mkdirSync(join(webDir, 'assets'));
    writeFileSync(
      join(webDir, 'index.html'),
      '<!doctype html><html><head><script type="module" src="/assets/app-1.js"></script></head>' +
        '<body><div id="root"></div></body></html>',
    );
    writeFileSync(join(webDir, 'assets', 'app-1.js'), 'console.log("app");\n');
    t = await createTestApp({ WEB_DIR: webDir });
  });
  afterAll(async () => {
    await t?.close();
    rmSync(webDir, { recursive: true, force: true });
  });

  it('serves index.html at / and on client routes, with the application’s CSP', async () => {
    for (const path of ['/', '/requests', '/requests/0b8f6a0e-5a8c-4c1e-9d55-3f3c2b9b7a10?box=incoming']) {
      const response = await fetch(`${t.baseUrl}${path}`);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(response.headers.get('content-security-policy')).toBe(WEB_CSP);
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(await response.text()).toContain('<div id="root"></div>');
    }
  });

  it('serves the built assets, cached for good, and answers a missing one 404', async () => {
    const asset = await fetch(`${t.baseUrl}/assets/app-1.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(await asset.text()).toContain('console.log');
    const missing = await fetch(`${t.baseUrl}/assets/gone-2.js`);
    expect(missing.status).toBe(404);
    expect(((await missing.json()) as { code: string }).code).toBe('common.not_found');
  });

  it('leaves the API, health and Swagger UI as they were', async () => {
    const unknown = await fetch(`${t.baseUrl}/v1/nope`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-security-policy')).toBe(API_CSP);
    expect(await unknown.json()).toMatchObject({ statusCode: 404, code: 'common.not_found' });
    const health = await fetch(`${t.baseUrl}/health/live`);
    expect(health.status).toBe(200);
    expect(health.headers.get('content-security-policy')).toBe(API_CSP);
    const docs = await fetch(`${t.baseUrl}/docs`);
    expect(docs.status).toBe(200);
    expect(await docs.text()).toContain('swagger');
    // Only GET and HEAD reach the application: other methods on its paths are the API's 404.
    const post = await fetch(`${t.baseUrl}/requests`, { method: 'POST' });
    expect(post.status).toBe(404);
  });
});
