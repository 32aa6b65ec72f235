import type { AnyEvent, HoneypotRef } from '../../core/events.js';

/**
 * One honeypot event as a line of the JSON log, with Cowrie's field names and event ids where the meaning is
 * the same (`eventid`, `src_ip`, `src_port`, `dst_ip`, `dst_port`, `session`, `username`, `password`, `input`,
 * `shasum`, `outfile`, `duration`, `message`), so pipelines built for Cowrie's log read ours. `protocol` is the
 * service (`ssh`, `telnet`) as in Cowrie; `lnmt_type` and `id` are ours.
 */
export function cowrieLine(ev: AnyEvent): Record<string, unknown> | null {
  if (!ev.type.startsWith('honeypot.')) return null;
  const d = ev.data as unknown as HoneypotRef;
  const base: Record<string, unknown> = {
    eventid: '',
    lnmt_type: ev.type,
    id: ev.id,
    timestamp: ev.time,
    sensor: ev.sensor,
    session: ev.session ?? null,
    src_ip: d.src_ip,
    src_port: d.src_port,
    dst_ip: d.dst_ip,
    dst_port: d.dst_port,
    protocol: d.service,
  };
  switch (ev.type) {
    case 'honeypot.connect':
      return { ...base, eventid: 'cowrie.session.connect', message: ev.data.refused ? `Connection refused (${ev.data.refused})` : `New connection: ${d.src_ip}:${d.src_port} (${d.dst_ip}:${d.dst_port})`, ...(ev.data.refused ? { refused: ev.data.refused } : {}), ...(ev.data.decoy !== undefined ? { decoy: ev.data.decoy } : {}) };
    // No Cowrie equivalents: ids in Cowrie's style, fields as in our catalogue.
    case 'honeypot.request': {
      const r = ev.data;
      return { ...base, eventid: 'lnmt.http.request', method: r.method, path: r.path, query: r.query, status: r.status, user_agent: r.user_agent ?? null, host: r.host ?? null, tags: r.tags, body_bytes: r.body_bytes, ...(r.canary_token ? { canary_token: r.canary_token } : {}), message: `${r.method} ${r.path}${r.query ? `?${r.query}` : ''} -> ${r.status}` };
    }
    case 'honeypot.payload':
      return { ...base, eventid: 'lnmt.session.payload', size: ev.data.size, shasum: ev.data.sha256, preview: ev.data.preview, truncated: ev.data.truncated, message: `first payload: ${ev.data.size} bytes` };
    case 'honeypot.auth': {
      const a = ev.data;
      if (a.method === 'publickey' && !a.success) {
        return { ...base, eventid: 'cowrie.client.fingerprint', username: a.username, fingerprint: a.fingerprint ?? null, key_type: a.key_type ?? null, message: `public key offered for ${a.username}` };
      }
      return { ...base, eventid: a.success ? 'cowrie.login.success' : 'cowrie.login.failed', username: a.username, password: a.password ?? null, method: a.method, ...(a.fingerprint ? { fingerprint: a.fingerprint } : {}), message: `login attempt [${a.username}/${a.password ?? a.fingerprint ?? ''}] ${a.success ? 'succeeded' : 'failed'}` };
    }
    case 'honeypot.command':
      return { ...base, eventid: ev.data.known ? 'cowrie.command.input' : 'cowrie.command.failed', input: ev.data.input, message: `CMD: ${ev.data.input}` };
    case 'honeypot.upload': {
      const u = ev.data;
      const download = u.via === 'wget' || u.via === 'curl' || u.via === 'url';
      return { ...base, eventid: download ? 'cowrie.session.file_download' : 'cowrie.session.file_upload', filename: u.filename, ...(download ? { url: u.filename } : {}), shasum: u.sha256, outfile: u.quarantine, size: u.size, truncated: u.truncated, message: `${download ? 'Downloaded' : 'Saved'} ${u.filename} (${u.size} bytes) as ${u.sha256}` };
    }
    case 'honeypot.forward_request':
      return { ...base, eventid: 'cowrie.direct-tcpip.request', dst_host: ev.data.dst_host, dst_port_requested: ev.data.dst_port_requested, kind: ev.data.kind, message: `${ev.data.kind} request to ${ev.data.dst_host}:${ev.data.dst_port_requested} refused` };
    case 'honeypot.close':
      return { ...base, eventid: 'cowrie.session.closed', duration: Math.round(ev.data.duration_ms) / 1000, bytes_in: ev.data.bytes_in, bytes_out: ev.data.bytes_out, reason: ev.data.reason, message: `Connection lost after ${(ev.data.duration_ms / 1000).toFixed(1)} seconds` };
    default:
      return null;
  }
}
