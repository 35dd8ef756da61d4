import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { static as serveStatic } from 'express';
import { isServerPath } from './security-headers';

/**
 * Serves the built web application (issue 8) from `dir`: its files as they are, and its index.html
 * for every other GET outside the server's own paths, so that a reload or a shared link on a client
 * route (/requests/…) opens the application. Returns null when the application was not built (the
 * API alone, as in the e2e tests), so nothing but the API answers then.
 */
export function webApplication(dir: string): RequestHandler | null {
  const index = join(dir, 'index.html');
  if (!existsSync(index)) return null;
  const files = serveStatic(dir, {
    index: false,
    redirect: false,
    // Vite names every built asset after its content hash, so a cached one never goes stale.
    setHeaders: (response, path) => {
      if (path.startsWith(join(dir, 'assets')))
        response.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  return (request: Request, response: Response, next: NextFunction) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || isServerPath(request.path)) return next();
    files(request, response, () => {
      // A missing asset is a 404 (the envelope), not the application's page under a script's name.
      if (request.path.startsWith('/assets/')) return next();
      // index.html names the current assets: always revalidated, so a new release is picked up.
      response.sendFile(index, { headers: { 'Cache-Control': 'no-cache' } }, (error?: Error) => {
        if (error) next(error);
      });
    });
  };
}
