/**
 * Request data as a PHP application reads it: `application/x-www-form-urlencoded` bodies and query strings the
 * way PHP's parser splits and decodes them (`+` is a space, a broken %-escape stays as typed, the last of a
 * repeated name wins), and HTTP Basic credentials. Credentials are recorded as the application would see them.
 */

/** %XX and `+` decoded to bytes, then read as UTF-8 (invalid sequences become U+FFFD). */
export function urlDecode(s: string): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2b) bytes.push(0x20);
    else if (c === 0x25 && /^[0-9a-fA-F]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else if (c < 0x100) bytes.push(c);
    else for (const b of Buffer.from(s[i]!, 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Fields of a urlencoded string (latin1 text from the wire): at most `max` pairs, as PHP's max_input_vars bounds them. */
export function parseUrlEncoded(raw: string, max = 1000): Map<string, string> {
  const out = new Map<string, string>();
  let n = 0;
  for (const part of raw.split('&')) {
    if (!part) continue;
    if (++n > max) break;
    const eq = part.indexOf('=');
    const name = urlDecode(eq === -1 ? part : part.slice(0, eq));
    out.set(name, eq === -1 ? '' : urlDecode(part.slice(eq + 1)));
  }
  return out;
}

/** `Authorization: Basic base64(user:pass)` → the pair (UTF-8), or null when it is not Basic or not decodable. */
export function basicCredentials(header: string | undefined): { username: string; password: string } | null {
  if (!header) return null;
  const m = /^basic[ \t]+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (!m) return null;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
