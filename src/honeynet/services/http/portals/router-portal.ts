import { app, escapeHtml, type Route, type RouteContext } from '../route-types.js';
import type { Reply } from '../http-reply.js';

/**
 * A home router's web login: the vendor and model picked per install, a form posting `username` and `password`
 * to /login.cgi that always fails, as a router's firmware answers.
 */
const MODELS: ReadonlyArray<{ vendor: string; models: string[] }> = [
  { vendor: 'TP-Link', models: ['Archer C6', 'Archer AX23', 'Archer C80', 'TL-WR841N'] },
  { vendor: 'NETGEAR', models: ['R6700v3', 'RAX40', 'R7000', 'Nighthawk RAX50'] },
  { vendor: 'ASUS', models: ['RT-AX58U', 'RT-AC68U', 'RT-AX55', 'RT-AC86U'] },
  { vendor: 'Linksys', models: ['EA7500', 'EA6350', 'E5600'] },
  { vendor: 'D-Link', models: ['DIR-842', 'DIR-1960', 'DIR-882'] },
  { vendor: 'ZyXEL', models: ['VMG3625-T50B', 'NBG6615', 'EX5601-T0'] },
];

export function routerModel(c: Pick<RouteContext, 'site'>): { vendor: string; model: string } {
  const v = c.site.pick('router-vendor', MODELS);
  return { vendor: v.vendor, model: c.site.pick('router-model', v.models) };
}

function loginPage(c: RouteContext, error: string): string {
  const { vendor, model } = routerModel(c);
  const err = error ? `<p class="err">${escapeHtml(error)}</p>` : '';
  return `<!DOCTYPE html>
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(`${vendor} ${model}`)}</title>
<style>
body{font-family:Arial,Helvetica,sans-serif;background:#eceff1;margin:0}
.top{background:#263238;color:#fff;padding:14px 24px;font-size:18px}
.card{width:320px;margin:80px auto;background:#fff;padding:24px;box-shadow:0 1px 3px rgba(0,0,0,.2)}
input{width:100%;box-sizing:border-box;margin:6px 0 14px;padding:8px}
.err{color:#c62828;font-size:13px}
button{width:100%;padding:10px;background:#00897b;color:#fff;border:0}
</style>
</head>
<body>
<div class="top">${escapeHtml(vendor)} &middot; ${escapeHtml(model)}</div>
<div class="card">
<form action="/login.cgi" method="post">
${err}<label>Username</label><input type="text" name="username" value="admin" maxlength="32">
<label>Password</label><input type="password" name="password" maxlength="64">
<button type="submit">Log In</button>
</form>
</div>
</body>
</html>
`;
}

function respond(c: RouteContext): Reply {
  const tags = ['login:router'];
  if (c.req.method !== 'POST') return app(200, loginPage(c, ''), 'text/html', [['Cache-Control', 'no-cache'], ['X-Frame-Options', 'SAMEORIGIN']], { tags });
  c.auth(c.form.get('username') ?? '', c.form.get('password') ?? '');
  return app(200, loginPage(c, 'The username or password is incorrect.'), 'text/html', [['Cache-Control', 'no-cache'], ['X-Frame-Options', 'SAMEORIGIN']], { tags });
}

export const ROUTER_ROUTES: Route[] = [
  { match: '/', handle: respond },
  { match: '/login.cgi', handle: respond },
];
