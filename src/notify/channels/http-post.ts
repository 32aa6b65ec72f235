import { DeliveryError, type NotifierDeps, type SendResult } from '../channel-type.js';

/** Bytes of a response body read for an error message; the rest is discarded unread. */
const BODY_SNIPPET = 300;

/**
 * POSTs a JSON body to a webhook. Redirects are never followed, to this host or another: the signature, the
 * custom headers (often credentials) and the alert would otherwise go wherever a compromised or misconfigured
 * receiver points them. A 3xx is a permanent failure naming the new location, so the user can update the URL.
 * The attempt is aborted after `deps.timeoutMs` or when `signal` fires.
 */
export async function postJson(url: string, body: string, headers: Record<string, string>, deps: NotifierDeps, signal: AbortSignal): Promise<SendResult> {
  const timeout = AbortSignal.timeout(deps.timeoutMs);
  let res: Response;
  try {
    res = await deps.fetch(url, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json; charset=utf-8', 'user-agent': 'lnmt-notify' },
      body,
      redirect: 'manual',
      signal: AbortSignal.any([signal, timeout]),
    });
  } catch (err) {
    if (timeout.aborted) throw new DeliveryError(`no answer from ${origin(url)} within ${deps.timeoutMs} ms`, true, { cause: err });
    if (signal.aborted) throw new DeliveryError('cancelled: lnmt is stopping', false, { cause: err });
    throw new DeliveryError(`cannot reach ${origin(url)}: ${networkReason(err)}`, true, { cause: err });
  }
  const snippet = await readSnippet(res);
  if (res.status >= 200 && res.status < 300) return { detail: `HTTP ${res.status}` };
  if (res.status >= 300 && res.status < 400) {
    const to = res.headers.get('location');
    throw new DeliveryError(`HTTP ${res.status} redirect to ${to ?? '(no location)'} not followed: webhooks are never redirected; set the channel URL to the final address`, false);
  }
  const why = `HTTP ${res.status}${snippet ? `: ${snippet}` : ''}`;
  if (res.status === 429) throw new DeliveryError(why, true, retryAfter(res.headers.get('retry-after'), deps.now()));
  if (res.status >= 500) throw new DeliveryError(why, true);
  throw new DeliveryError(why, false);
}

function origin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'the receiver';
  }
}

/** `connect ECONNREFUSED 127.0.0.1:9` rather than undici's bare `fetch failed`. */
function networkReason(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; code?: string } };
  return e.cause?.message ?? e.cause?.code ?? e.message ?? String(err);
}

/** The first bytes of the body, on one line; the rest is cancelled so a huge answer costs nothing. */
async function readSnippet(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_SNIPPET) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short is no reason to lose the status code.
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, BODY_SNIPPET).replace(/\s+/g, ' ').trim();
}

/** `Retry-After` in seconds or as an HTTP date (RFC 9110 §10.2.3). */
function retryAfter(header: string | null, now: number): { retryAfterMs?: number } {
  if (!header) return {};
  if (/^\d+$/.test(header.trim())) return { retryAfterMs: Number(header.trim()) * 1000 };
  const at = Date.parse(header);
  return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - now) };
}
