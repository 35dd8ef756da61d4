import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';

/** Paths pino blanks out wherever they appear in a log record: credentials and tokens never reach logs. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  'password',
  'accessToken',
];

const FRAMEWORK_CHATTER = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer']);

export function createRootLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'mla-portal' },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    formatters: { level: (label) => ({ level: label }) },
  });
}

/** Nest's logger interface over pino, so framework and application logs share one JSON stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    // Nest's start-up chatter (one line per module and route) is debug detail, not operations news.
    const context = rest[rest.length - 1];
    const chatter = typeof context === 'string' && FRAMEWORK_CHATTER.has(context);
    this.write(chatter ? 'debug' : 'info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    // Nest calls error(message, stack?, context?): the context is the last string argument and a
    // stack, when given, comes before it.
    const last = rest[rest.length - 1];
    const context = typeof last === 'string' ? last : undefined;
    const detail = rest.find((value, index) => typeof value === 'string' && index < rest.length - 1);
    if (message instanceof Error) {
      this.logger[level](
        { context, err: { type: message.name, message: message.message, stack: message.stack } },
        message.message,
      );
      return;
    }
    if (typeof message === 'object' && message !== null) {
      this.logger[level]({ context, ...message }, typeof detail === 'string' ? detail : undefined);
      return;
    }
    this.logger[level](
      { context, ...(typeof detail === 'string' ? { stack: detail } : {}) },
      String(message),
    );
  }
}
