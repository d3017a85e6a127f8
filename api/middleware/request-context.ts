import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../../lib/logger.js';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    log: Logger;
  }
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** What a request's log lines carry, and its logger once one was asked for. */
interface LogState {
  bindings: Record<string, unknown>;
  log?: Logger;
}
const states = new WeakMap<Request, LogState>();

/**
 * Adds fields to every later log line of the request (the key, the role, the trace): kept with the
 * request's bindings while nothing asked for its logger, so a request makes at most one child logger
 * (most make none below info), else a child of the logger it has.
 */
export function bindLog(req: Request, fields: Record<string, unknown>): void {
  const state = states.get(req);
  if (!state) req.log = req.log.child(fields);
  else if (state.log) state.log = state.log.child(fields);
  else Object.assign(state.bindings, fields);
}

/** Gives every request an id (the caller's X-Request-Id when sane), a child logger, and one access-log line. */
export function requestContext(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.header('x-request-id');
    req.id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    const state: LogState = { bindings: { requestId: req.id } };
    states.set(req, state);
    // The child logger is made on first use: most requests log nothing but their access line.
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: true,
      get: () => (state.log ??= logger.child(state.bindings)),
      set: (log: Logger) => {
        state.log = log;
      },
    });
    res.setHeader('X-Request-Id', req.id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      if (!state.log && !logger.isLevelEnabled('info')) return;
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      // The route pattern, not the URL: ids in paths are fine, query strings may carry data.
      const line = {
        method: req.method,
        route: req.route ? `${req.baseUrl}${req.route.path}` : req.path,
        status: res.statusCode,
        ms: Math.round(ms),
      };
      // Without a child logger: the bindings first, as a child would write them.
      if (state.log) state.log.info(line, 'request');
      else logger.info({ ...state.bindings, ...line }, 'request');
    });
    next();
  };
}
