import { randomBytes } from 'node:crypto';
import { app, escapeHtml, page, phpSessionId, type Route, type RouteContext } from '../route-types.js';
import type { Reply } from '../http-reply.js';

/**
 * phpMyAdmin's cookie-auth login as Debian's package installs it (Alias /phpmyadmin): pma_username and
 * pma_password posted to index.php, answered with MySQL's "Access denied" and phpMyAdmin's "Cannot log in".
 */
function loginPage(c: RouteContext, base: string, error: string, user: string): string {
  const v = c.release.phpMyAdmin;
  const token = randomBytes(16).toString('hex');
  const err = error
    ? `<div class="alert alert-danger" role="alert"><img src="themes/dot.gif" title="" alt="" class="icon ic_s_error"> ${error}</div>\n`
    : '';
  return `<!DOCTYPE HTML>
<html lang="en" dir="ltr">
<head>
  <meta charset="utf-8">
  <meta name="referrer" content="no-referrer">
  <meta name="robots" content="noindex,nofollow,notranslate">
  <meta name="google" content="notranslate">
  <style id="cfs-style">html{display: none;}</style>
  <link rel="icon" href="favicon.ico" type="image/x-icon">
  <link rel="shortcut icon" href="favicon.ico" type="image/x-icon">
  <link rel="stylesheet" type="text/css" href="./themes/pmahomme/jquery/jquery-ui.css">
  <link rel="stylesheet" type="text/css" href="js/vendor/codemirror/lib/codemirror.css?v=${v}">
  <link rel="stylesheet" type="text/css" href="./themes/pmahomme/css/theme.css?v=${v}">
  <title>phpMyAdmin</title>
  <script data-cfasync="false" type="text/javascript" src="js/vendor/jquery/jquery.min.js?v=${v}"></script>
</head>
<body>
<div id="page_content">
<div class="container">
<a href="./url.php?url=https%3A%2F%2Fwww.phpmyadmin.net%2F" target="_blank" rel="noopener noreferrer" class="logo">
  <img src="./themes/pmahomme/img/logo_right.png" id="imLogo" name="imLogo" alt="phpMyAdmin" border="0">
</a>
<h1>Welcome to <bdo dir="ltr" lang="en">phpMyAdmin</bdo></h1>
<noscript><div class="alert alert-danger" role="alert"><img src="themes/dot.gif" title="" alt="" class="icon ic_s_error"> Javascript must be enabled past this point!</div></noscript>
<div class="hide" id="js-https-mismatch"><div class="alert alert-danger" role="alert"><img src="themes/dot.gif" title="" alt="" class="icon ic_s_error"> There is a mismatch between HTTPS indicated on the server and client. This can lead to a non working phpMyAdmin or a security risk. Please fix your server configuration to indicate HTTPS properly.</div></div>
${err}<div class="card" id="login_form">
  <form method="post" id="login_form" action="${base}index.php?route=/" name="login_form" class="disableAjax hide js-show">
    <fieldset class="card-body">
      <input type="hidden" name="set_session" value="${phpSessionId()}">
      <legend>Log in <a href="./doc/html/index.html" target="documentation"><img src="themes/dot.gif" title="Documentation" alt="Documentation" class="icon ic_b_help"></a></legend>
      <div class="row mb-3">
        <div class="col-12 col-md-4 text-md-end"><label for="input_username" class="form-label">Username:</label></div>
        <div class="col-12 col-md-8"><input type="text" name="pma_username" id="input_username" value="${escapeHtml(user)}" class="form-control" autocomplete="username" spellcheck="false" autofocus></div>
      </div>
      <div class="row">
        <div class="col-12 col-md-4 text-md-end"><label for="input_password" class="form-label">Password:</label></div>
        <div class="col-12 col-md-8"><input type="password" name="pma_password" id="input_password" value="" class="form-control" autocomplete="current-password" spellcheck="false"></div>
      </div>
      <input type="hidden" name="server" value="1">
    </fieldset>
    <fieldset class="card-footer">
      <input class="btn btn-primary" value="Log in" type="submit" id="input_go">
      <input type="hidden" name="route" value="/">
      <input type="hidden" name="token" value="${token}">
    </fieldset>
  </form>
</div>
</div>
</div>
</body>
</html>
`;
}

/** phpMyAdmin's headers (its security headers, and the session and language cookies for its path). */
function headers(c: RouteContext, base: string): Array<[string, string]> {
  const now = new Date(c.now).toUTCString();
  const secure = c.scheme === 'https' ? '; secure' : '';
  return [
    ['Set-Cookie', `phpMyAdmin=${phpSessionId()}; path=${base}; HttpOnly${secure}`],
    ['X-ob_mode', '1'],
    ['X-Frame-Options', 'DENY'],
    ['Referrer-Policy', 'no-referrer'],
    ['X-XSS-Protection', '1; mode=block'],
    ['X-Content-Type-Options', 'nosniff'],
    ['X-Permitted-Cross-Domain-Policies', 'none'],
    ['X-Robots-Tag', 'noindex, nofollow'],
    ['Expires', now],
    ['Cache-Control', 'no-store, no-cache, must-revalidate,  pre-check=0, post-check=0, max-age=0'],
    ['Pragma', 'no-cache'],
    ['Last-Modified', now],
  ];
}

function respond(base: string) {
  return (c: RouteContext): Reply => {
    const tags = ['login:phpmyadmin'];
    if (c.req.method !== 'POST' || !c.form.has('pma_username')) return app(200, loginPage(c, base, '', ''), 'text/html; charset=utf-8', headers(c, base), { tags });
    const user = c.form.get('pma_username') ?? '';
    const pass = c.form.get('pma_password') ?? '';
    c.auth(user, pass);
    const denied = `mysqli::real_connect(): (HY000/1045): Access denied for user '${escapeHtml(user)}'@'localhost' (using password: ${pass ? 'YES' : 'NO'})`;
    const error = `${denied}</div>\n<div class="alert alert-danger" role="alert"><img src="themes/dot.gif" title="" alt="" class="icon ic_s_error"> Cannot log in to the MySQL server`;
    return app(200, loginPage(c, base, error, user), 'text/html; charset=utf-8', headers(c, base), { tags });
  };
}

/** At /phpmyadmin/ on every site (Debian's alias), and at / for portal `phpmyadmin`. */
export const PHPMYADMIN_ROUTES: Route[] = [
  { match: '/phpmyadmin', handle: () => page(301, { location: '/phpmyadmin/', tags: ['probe:phpmyadmin'] }) },
  { match: /^\/phpmyadmin\/(index\.php)?$/, handle: respond('/phpmyadmin/') },
];

export const PHPMYADMIN_HOME: Route[] = [{ match: /^\/(index\.php)?$/, handle: respond('/') }];
