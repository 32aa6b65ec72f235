import { readFile } from 'node:fs/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppContext } from '../../app/context.js';
import { LnmtError } from '../../core/errors.js';
import { recordingPath } from '../../honeynet/runtime/recording-path.js';
import { honeypotSessionView } from '../../views/honeypot-session-view.js';
import { ErrorSchema, inputErrors } from '../schemas/common.js';
import { SessionDetailSchema, SessionIdParams, SessionListQuery, SessionListSchema } from '../schemas/honeypot.js';

const tags = ['honeypot'];

async function transcript(ctx: AppContext, id: string): Promise<string | null> {
  const path = recordingPath(ctx.config, id);
  return path ? readFile(path, 'utf8').catch(() => null) : null;
}

/** `/api/honeypot/sessions`: what attackers did, session by session, with transcripts. */
export const honeypotRoutes: FastifyPluginAsyncTypebox<{ ctx: AppContext }> = async (app, { ctx }) => {
  const notFound = (id: string) => new LnmtError('LNMT_ERR_NOT_FOUND', `no honeypot session ${id}`, { details: [{ where: 'params.id', value: id, message: 'no such session' }] });

  app.get('/api/honeypot/sessions', { schema: { tags, summary: 'Honeypot sessions, newest first', querystring: SessionListQuery, response: { 200: SessionListSchema, ...inputErrors } } }, async (req) => {
    const q = req.query;
    const { rows, total } = await ctx.repos.honeypotSessions.list({ service: q.service, srcIp: q.src_ip, loggedIn: q.logged_in, limit: q.limit, offset: q.offset });
    return { items: rows.map(honeypotSessionView), total, limit: q.limit, offset: q.offset };
  });

  app.get('/api/honeypot/sessions/:id', { schema: { tags, summary: 'One session: its events in order and its asciicast transcript', params: SessionIdParams, response: { 200: SessionDetailSchema, 404: ErrorSchema, ...inputErrors } } }, async (req) => {
    const row = await ctx.repos.honeypotSessions.get(req.params.id);
    if (!row) throw notFound(req.params.id);
    return { session: honeypotSessionView(row), events: await ctx.repos.honeypotSessions.events(row), transcript: await transcript(ctx, row.id) };
  });

  app.get('/api/honeypot/sessions/:id/transcript', { schema: { tags, summary: 'The asciicast v2 file of a session (`asciinema play <url>`)', params: SessionIdParams, response: { 200: { type: 'string', description: 'asciicast v2 (JSON lines)' }, 404: ErrorSchema, ...inputErrors } } }, async (req, reply) => {
    const text = await transcript(ctx, req.params.id);
    if (text === null) throw notFound(req.params.id);
    return reply.type('application/x-asciicast').send(text);
  });
};
