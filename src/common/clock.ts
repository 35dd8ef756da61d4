import { Injectable } from '@nestjs/common';

/**
 * The one source of "now" for rules that depend on time (session timeouts, later deadlines), so
 * tests can move time forward instead of waiting for it.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
