import { WorkflowNotFoundError } from '@temporalio/client';
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { ZodError } from 'zod';
import { isDatabaseUnavailable } from '../../lib/db/unavailable.js';
import { grpcCode } from '../../lib/temporal/grpc-code.js';
import { ApiError } from '../errors.js';
import { RequestValidationError } from '../http/validate.js';

/** RFC 9457 problem details: the one error shape of the API. */
interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  code: string;
  errors?: { in?: string; path: string; message: string }[];
  [extra: string]: unknown;
}

type ProblemBody = Omit<Problem, 'type'> & { status: number; code: string };

export function sendProblem(res: Response, problem: ProblemBody, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res
    .status(problem.status)
    .type('application/problem+json')
    .json({ type: `urn:problem:${problem.code}`, ...problem });
}

const TEMPORAL_UNAVAILABLE = new Set([4 /* DEADLINE_EXCEEDED */, 14 /* UNAVAILABLE */]);

function isTemporalUnavailable(error: unknown): boolean {
  const code = grpcCode(error);
  return code !== undefined && TEMPORAL_UNAVAILABLE.has(code);
}

/** Body-parser's own errors are the client's: malformed JSON, too large, wrong charset. */
function bodyParserStatus(error: unknown): number | undefined {
  const e = error as { type?: unknown; status?: unknown };
  return typeof e?.type === 'string' && typeof e.status === 'number' && e.status >= 400 && e.status < 500
    ? e.status
    : undefined;
}

export const notFoundHandler: RequestHandler = (req, res) =>
  sendProblem(res, {
    status: 404,
    code: 'route_not_found',
    title: 'Not Found',
    detail: `no route for ${req.method} ${req.path}`,
  });

export const problemHandler: ErrorRequestHandler = (error, req, res, _next) => {
  if (error instanceof RequestValidationError || error instanceof ZodError) {
    const location = error instanceof RequestValidationError ? error.location : 'body';
    const errors = error.issues.map((i) => ({
      in: location,
      path: i.path.map(String).join('.') || '(root)',
      message: i.message,
    }));
    return sendProblem(res, {
      status: 400,
      code: 'validation_failed',
      title: 'Invalid request',
      detail: errors.map((e) => `${e.in} ${e.path}: ${e.message}`).join('; '),
      errors,
    });
  }
  if (error instanceof ApiError) {
    return sendProblem(
      res,
      {
        status: error.status,
        code: error.code,
        title: error.code.replace(/_/g, ' '),
        detail: error.message,
        ...error.extra,
      },
      error.headers,
    );
  }
  const parserStatus = bodyParserStatus(error);
  if (parserStatus !== undefined) {
    const detail = parserStatus === 413 ? 'request body too large' : 'request body is not valid JSON';
    return sendProblem(res, {
      status: parserStatus,
      code: parserStatus === 413 ? 'body_too_large' : 'malformed_body',
      title: 'Bad request body',
      detail,
    });
  }
  if (error instanceof WorkflowNotFoundError) {
    return sendProblem(res, {
      status: 404,
      code: 'workflow_not_found',
      title: 'Not Found',
      detail: 'no workflow for this resource',
    });
  }
  const unavailable = isTemporalUnavailable(error)
    ? { code: 'temporal_unavailable', what: 'the workflow service' }
    : isDatabaseUnavailable(error)
      ? { code: 'database_unavailable', what: 'the database' }
      : undefined;
  if (unavailable) {
    req.log.warn({ err: { message: (error as Error).message } }, `${unavailable.what} unavailable`);
    return sendProblem(
      res,
      {
        status: 503,
        code: unavailable.code,
        title: 'Service Unavailable',
        detail: `${unavailable.what} is not answering; retry shortly`,
      },
      { 'Retry-After': '5' },
    );
  }
  req.log.error({ err: error }, 'unhandled error');
  // Never leak a stack, SQL or internal message.
  return sendProblem(res, {
    status: 500,
    code: 'internal_error',
    title: 'Internal Server Error',
    detail: `something went wrong; quote request id ${req.id}`,
  });
};
