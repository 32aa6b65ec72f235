/** A URL with its password replaced by `***`, for logs, errors and `config show`; `fallback` when unparsable. */
export function redactUrl(url: string, fallback = '***'): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return fallback;
  }
}
