import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { ErrorCode } from '@mla/contracts';

/** Swagger UI's own path prefix (also covers /docs-json); mounted outside production only. */
export const DOCS_PATH = '/docs';

const COMMON = {
  strictTransportSecurity: { maxAge: 31_536_000, includeSubDomains: true },
  referrerPolicy: { policy: 'no-referrer' as const },
  xFrameOptions: { action: 'deny' as const },
  crossOriginResourcePolicy: { policy: 'same-origin' as const },
  crossOriginOpenerPolicy: { policy: 'same-origin' as const },
};

/**
 * A JSON API renders nothing: its responses may load nothing, be framed by no one, and submit
 * nowhere. Evidence downloads replace this CSP with their own (`default-src 'none'; sandbox`).
 */
const apiHeaders = helmet({
  ...COMMON,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
  },
  crossOriginEmbedderPolicy: { policy: 'require-corp' },
});

/**
 * Swagger UI (not in production) is a page: it loads its own scripts and styles from this origin,
 * injects inline styles, shows data: images and calls the API from the browser.
 */
const docsHeaders = helmet({
  ...COMMON,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
    },
  },
});

/**
 * The web application (issue 8) is a page too, but one built to need nothing inline: Vite emits
 * its scripts and styles as files, so unlike Swagger UI it gets no 'unsafe-inline' at all. It talks
 * only to this origin's API and shows no third-party content.
 */
const webHeaders = helmet({
  ...COMMON,
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      connectSrc: ["'self'"],
      fontSrc: ["'self'"],
      objectSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
    },
  },
});

/**
 * Paths the server answers itself: the API, health probes, published keys and (outside production)
 * Swagger UI. Everything else belongs to the web application, whose client-side routes all fall
 * back to its index.html; an unknown path under one of these still answers the API's 404 envelope.
 */
const SERVER_PREFIXES = ['/v1', '/health', '/.well-known', DOCS_PATH, `${DOCS_PATH}-json`];

export function isServerPath(path: string): boolean {
  return SERVER_PREFIXES.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
}

function isDocsPath(path: string): boolean {
  return path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`) || path === `${DOCS_PATH}-json`;
}

/** Security headers per path (SEC-25): the API's, Swagger UI's, and the web application's. */
export function securityHeaders(): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) =>
    (isDocsPath(request.path) ? docsHeaders : isServerPath(request.path) ? apiHeaders : webHeaders)(
      request,
      response,
      next,
    );
}

/**
 * TRACE would echo the request (credentials included) back (cross-site tracing); TRACK, IIS's
 * alias, is refused by Node's HTTP parser before it gets here (a bare 400). OPTIONS serves no purpose without CORS (the web client is same-origin), and the router's
 * automatic answer would list any path's methods to an anonymous caller. Answered before routing,
 * with the envelope and no echo.
 */
const REFUSED_METHODS = new Set(['TRACE', 'OPTIONS']);

export function refuseTraceMethods(): RequestHandler {
  return (request: Request, response: Response, next: NextFunction) => {
    if (!REFUSED_METHODS.has(request.method)) return next();
    response.status(405).json({
      statusCode: 405,
      code: ErrorCode.MethodNotAllowed,
      message: 'Method not allowed',
      correlationId: typeof request.id === 'string' ? request.id : '',
    });
  };
}
