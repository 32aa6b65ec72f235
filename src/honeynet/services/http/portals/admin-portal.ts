import { app, escapeHtml, phpSessionHeaders, type Route, type RouteContext } from '../route-types.js';

/**
 * A generic in-house admin login (a PHP app with a session): username and password posted to /login, always
 * "Invalid username or password." Its title and colours are picked per install from the persona, so two
 * sensors never show the same page.
 */
function loginPage(c: RouteContext, error: string, username = ''): string {
  const { site } = c;
  const title = site.pick('admin-title', [`${site.org} Admin`, `Sign in · ${site.hostname}`, `Administration – ${site.org}`, `${site.org} Control Panel`, `Login | ${site.org} Intranet`, `${site.hostname} management console`]);
  const accent = site.pick('admin-accent', ['#1f6feb', '#2d7d46', '#8250df', '#bc4c00', '#0a7ea4', '#444d56']);
  const heading = site.pick('admin-heading', ['Please sign in', 'Sign in to continue', 'Administrator login', 'Log in']);
  const footer = site.pick('admin-footer', [`© ${new Date(c.now).getUTCFullYear()} ${site.org}`, `${site.fqdn}`, `${site.org} IT`, 'Authorized personnel only']);
  const err = error ? `\n      <div class="alert">${escapeHtml(error)}</div>` : '';
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="robots" content="noindex, nofollow">
  <title>${escapeHtml(title)}</title>
  <style>
    body { margin: 0; font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; background: #f4f6f8; color: #1c2024; }
    .box { max-width: 340px; margin: 12vh auto 0; background: #fff; border: 1px solid #d8dee4; border-radius: 6px; padding: 28px 32px; }
    h1 { font-size: 20px; font-weight: 500; margin: 0 0 18px; }
    label { display: block; font-size: 13px; margin: 12px 0 4px; }
    input[type=text], input[type=password] { width: 100%; box-sizing: border-box; padding: 8px; border: 1px solid #c8d1da; border-radius: 4px; }
    button { margin-top: 18px; width: 100%; padding: 9px; border: 0; border-radius: 4px; background: ${accent}; color: #fff; font-size: 14px; }
    .alert { background: #ffebe9; border: 1px solid #ff818266; padding: 8px 10px; border-radius: 4px; font-size: 13px; }
    footer { text-align: center; font-size: 12px; color: #6e7781; margin-top: 16px; }
  </style>
</head>
<body>
  <div class="box">
    <h1>${escapeHtml(heading)}</h1>${err}
    <form method="post" action="/login" autocomplete="off">
      <label for="username">Username</label>
      <input type="text" id="username" name="username" value="${escapeHtml(username)}" autofocus>
      <label for="password">Password</label>
      <input type="password" id="password" name="password">
      <button type="submit">Sign in</button>
    </form>
  </div>
  <footer>${escapeHtml(footer)}</footer>
</body>
</html>
`;
}

function respond(c: RouteContext) {
  if (c.req.method !== 'POST') return app(200, loginPage(c, ''), 'text/html; charset=UTF-8', phpSessionHeaders('PHPSESSID'), { tags: ['login:admin'] });
  const username = c.form.get('username') ?? '';
  const password = c.form.get('password') ?? '';
  c.auth(username, password);
  return app(200, loginPage(c, 'Invalid username or password.', username), 'text/html; charset=UTF-8', phpSessionHeaders('PHPSESSID'), { tags: ['login:admin'] });
}

/** `/` and the form's target. */
export const ADMIN_ROUTES: Route[] = [
  { match: '/', handle: respond },
  { match: '/login', handle: respond },
  { match: '/index.php', handle: respond },
];
