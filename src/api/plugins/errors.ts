import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CATALOGUE, LnmtError, isLnmtError, type ErrorCode, type ErrorDetail } from '../../core/errors.js';
import { validationDetails } from '../validation.js';
import { globalPlugin } from './plugin.js';

/**
 * One error path for the whole API. Every failure leaves as the LNMT error JSON
 * (`{code, error, message, details}`), with the status of its code:
 * - LnmtError thrown anywhere (handlers, the tracker, the scan service) → its status and `toJSON()`;
 * - schema validation failures → 400 LNMT_ERR_VALIDATION, one detail per offending field;
 * - Fastify's own client errors (bad JSON, wrong content type, body too large) → their 4xx status with details;
 * - anything else → 500 LNMT_ERR_INTERNAL, logged with the request id; the client never sees a stack trace.
 */
export const errorsPlugin = globalPlugin('lnmt-errors', async (app) => {
  app.setErrorHandler((err: FastifyError | LnmtError, req, reply) => {
    const { status, body } = toErrorBody(err, req);
    if (status >= 500) req.log.error({ err, reqId: req.id, route: req.routeOptions.url }, 'request failed');
    void reply.code(status).type('application/json; charset=utf-8').send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    const path = req.url.split('?')[0];
    void reply.code(404).send(errorBody('LNMT_ERR_NOT_FOUND', `no route ${req.method} ${path}; the API is described at /api/docs`, []));
  });
});

export function errorBody(code: ErrorCode, message: string, details: ErrorDetail[]) {
  return { code, error: ERROR_CATALOGUE[code].title, message, details };
}

function toErrorBody(err: FastifyError | LnmtError, req: FastifyRequest): { status: number; body: ReturnType<typeof errorBody> } {
  if (isLnmtError(err)) {
    if (err.status >= 500) return { status: err.status, body: errorBody(err.code, `${err.message} (request ${req.id}; details in the server log)`, []) };
    return { status: err.status, body: err.toJSON() as ReturnType<typeof errorBody> };
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const details = validationDetails(fe.validation, fe.validationContext ?? 'body', req);
    const summary = details.map((d) => `${d.where}: ${d.message}`).join('; ');
    return { status: 400, body: errorBody('LNMT_ERR_VALIDATION', `invalid request: ${summary}`, details) };
  }
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    // Fastify's client errors: FST_ERR_CTP_* (content type, JSON syntax, body size), FST_ERR_BAD_URL, ...
    const where = fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'headers.content-type' : fe.code === 'FST_ERR_BAD_URL' ? 'url' : 'body';
    const code: ErrorCode = status === 401 ? 'LNMT_ERR_UNAUTHORIZED' : status === 403 ? 'LNMT_ERR_FORBIDDEN' : status === 404 ? 'LNMT_ERR_NOT_FOUND' : status === 429 ? 'LNMT_ERR_RATE_LIMITED' : 'LNMT_ERR_VALIDATION';
    return { status, body: errorBody(code, fe.message, [{ where, message: fe.message }]) };
  }
  return { status: 500, body: errorBody('LNMT_ERR_INTERNAL', `internal error (request ${req.id}; details in the server log)`, []) };
}

/** Replies with an LnmtError outside the error handler (from hooks that must not throw). */
export function sendError(reply: FastifyReply, err: LnmtError): FastifyReply {
  return reply.code(err.status).type('application/json; charset=utf-8').send(err.toJSON());
}
