import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The web application is built next to the server (dist/web), which serves it at `/`.
export default defineConfig({
  root: here('.'),
  plugins: [react()],
  resolve: {
    // The typed client over the committed OpenAPI spec: the only way the application reaches the API.
    alias: { '@mla/api-client': here('../libs/api-client/src') },
  },
  // `npx vite --config web/vite.config.mts` for live reloading: the API is the portal's (npm start).
  server: {
    proxy: Object.fromEntries(
      ['/v1', '/health', '/docs'].map((path) => [path, process.env.PORTAL_URL ?? 'http://localhost:3000']),
    ),
  },
  build: {
    outDir: here('../dist/web'),
    emptyOutDir: true,
    // The CSP allows no inline script or style: keep every asset a file, even tiny ones.
    assetsInlineLimit: 0,
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.{ts,tsx}'],
    setupFiles: ['src/test/setup.ts'],
    // A form test clicks and types through jsdom: 2 s on an idle machine, and five times that on a
    // shared one under load. The limit is for a test that hangs, not a measure of speed.
    testTimeout: 30_000,
  },
});
