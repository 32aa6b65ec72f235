import { app, escapeHtml, page, type Route, type RouteContext } from '../route-types.js';
import type { Reply } from '../http-reply.js';
import { multicallCalls, parseMethodCall, rpcFault, rpcResponse, rpcStringArray, rpcStruct, type RpcCall } from '../xml-rpc.js';

/**
 * A WordPress site: wp-login.php (a form POST of `log` and `pwd`, answered with WordPress's own error wording),
 * xmlrpc.php (system.listMethods, and the credentials inside wp.getUsersBlogs and every other authenticated
 * method, also when batched in system.multicall), /wp-admin/ redirecting to the login, and the REST users list
 * that user enumeration reads. Every login fails.
 */

const WP_VERSIONS = ['6.5.5', '6.6.2', '6.7.2', '6.8.1', '6.8.3'];

function siteName(c: RouteContext): string {
  return c.site.pick('wp-name', [c.site.org, `${c.site.org} Blog`, `${c.site.org} News`, `The ${c.site.org} Journal`]);
}

/** Users that "exist": WordPress says "incorrect password" for them and "not registered" for anyone else. */
function knownUsers(c: RouteContext): string[] {
  return ['admin', ...c.site.pick('wp-users', [[], ['editor'], ['webmaster']] as string[][])];
}

/** wp_nocache_headers() and the frame/referrer headers wp-login.php sends. */
function loginHeaders(c: RouteContext): Array<[string, string]> {
  return [
    ['Expires', 'Wed, 11 Jan 1984 05:00:00 GMT'],
    ['Cache-Control', 'no-cache, must-revalidate, max-age=0, no-store, private'],
    ['Set-Cookie', `wordpress_test_cookie=WP%20Cookie%20check; path=/${c.scheme === 'https' ? '; secure' : ''}`],
    ['X-Frame-Options', 'SAMEORIGIN'],
    ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ];
}

function loginPage(c: RouteContext, error: string, log: string): string {
  const ver = c.site.pick('wp-version', WP_VERSIONS);
  const name = escapeHtml(siteName(c));
  const o = c.origin;
  const err = error ? `\t<div id="login_error" class="notice notice-error"><p>${error}</p></div>\n` : '';
  return `<!DOCTYPE html>
<html lang="en-US">
\t<head>
\t<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />
\t<title>Log In &lsaquo; ${name} &#8212; WordPress</title>
\t<meta name='robots' content='max-image-preview:large, noindex, noarchive' />
<link rel='stylesheet' id='dashicons-css' href='${o}/wp-includes/css/dashicons.min.css?ver=${ver}' media='all' />
<link rel='stylesheet' id='buttons-css' href='${o}/wp-includes/css/buttons.min.css?ver=${ver}' media='all' />
<link rel='stylesheet' id='forms-css' href='${o}/wp-admin/css/forms.min.css?ver=${ver}' media='all' />
<link rel='stylesheet' id='login-css' href='${o}/wp-admin/css/login.min.css?ver=${ver}' media='all' />
\t<meta name='referrer' content='strict-origin-when-cross-origin' />
\t\t<meta name="viewport" content="width=device-width, initial-scale=1.0" />
\t\t</head>
\t<body class="login no-js login-action-login wp-core-ui  locale-en-us">
\t<script>document.body.className = document.body.className.replace('no-js','js');</script>
\t\t<div id="login">
\t\t<h1 class="screen-reader-text">Log In</h1>
\t\t\t<h1><a href="https://wordpress.org/">Powered by WordPress</a></h1>
${err}
\t\t<form name="loginform" id="loginform" action="${o}/wp-login.php" method="post">
\t\t\t<p>
\t\t\t\t<label for="user_login">Username or Email Address</label>
\t\t\t\t<input type="text" name="log" id="user_login" class="input" value="${escapeHtml(log)}" size="20" autocapitalize="off" autocomplete="username" required="required" />
\t\t\t</p>
\t\t\t<div class="user-pass-wrap">
\t\t\t\t<label for="user_pass">Password</label>
\t\t\t\t<div class="wp-pwd">
\t\t\t\t\t<input type="password" name="pwd" id="user_pass" class="input password-input" value="" size="20" autocomplete="current-password" spellcheck="false" required="required" />
\t\t\t\t\t<button type="button" class="button button-secondary wp-hide-pw hide-if-no-js" data-toggle="0" aria-label="Show password">
\t\t\t\t\t\t<span class="dashicons dashicons-visibility" aria-hidden="true"></span>
\t\t\t\t\t</button>
\t\t\t\t</div>
\t\t\t</div>
\t\t\t\t\t\t<p class="forgetmenot"><input name="rememberme" type="checkbox" id="rememberme" value="forever"  /> <label for="rememberme">Remember Me</label></p>
\t\t\t<p class="submit">
\t\t\t\t<input type="submit" name="wp-submit" id="wp-submit" class="button button-primary button-large" value="Log In" />
\t\t\t\t\t\t\t\t\t<input type="hidden" name="redirect_to" value="${o}/wp-admin/" />
\t\t\t\t\t\t\t\t\t<input type="hidden" name="testcookie" value="1" />
\t\t\t</p>
\t\t</form>
\t\t\t\t\t<p id="nav">
\t\t\t\t<a class="wp-login-lost-password" href="${o}/wp-login.php?action=lostpassword">Lost your password?</a>\t\t\t</p>
\t\t\t<p id="backtoblog">
\t\t\t<a href="${o}/">&larr; Go to ${name}</a>\t\t</p>
\t\t\t</div>
\t<script src='${o}/wp-includes/js/jquery/jquery.min.js?ver=3.7.1' id='jquery-core-js'></script>
\t<script src='${o}/wp-admin/js/user-profile.min.js?ver=${ver}' id='user-profile-js'></script>
\t</body>
\t</html>
\t`;
}

/** wp_authenticate()'s messages, as wp-login.php shows them. */
function loginError(c: RouteContext, log: string, pwd: string): string {
  const lost = `<a href="${c.origin}/wp-login.php?action=lostpassword">Lost your password?</a>`;
  if (!log && !pwd) return '';
  if (!log) return '<strong>Error:</strong> The username field is empty.';
  if (!pwd) return '<strong>Error:</strong> The password field is empty.';
  if (knownUsers(c).includes(log.toLowerCase())) return `<strong>Error:</strong> The password you entered for the username <strong>${escapeHtml(log)}</strong> is incorrect. ${lost}`;
  return `<strong>Error:</strong> The username <strong>${escapeHtml(log)}</strong> is not registered on this site. If you are unsure of your username, try your email address instead.`;
}

function wpLogin(c: RouteContext): Reply {
  const tags = ['login:wordpress'];
  if (c.req.method !== 'POST') return app(200, loginPage(c, '', ''), 'text/html; charset=UTF-8', loginHeaders(c), { tags });
  const log = (c.form.get('log') ?? '').trim();
  const pwd = c.form.get('pwd') ?? '';
  if (c.form.has('log') || c.form.has('pwd')) c.auth(log, pwd);
  return app(200, loginPage(c, loginError(c, log, pwd), log), 'text/html; charset=UTF-8', loginHeaders(c), { tags });
}

/** A subset of what WordPress 6 lists, in its order. */
const RPC_METHODS = [
  'system.multicall', 'system.listMethods', 'system.getCapabilities', 'demo.addTwoNumbers', 'demo.sayHello', 'pingback.extensions.getPingbacks', 'pingback.ping',
  'mt.publishPost', 'mt.getTrackbackPings', 'mt.supportedTextFilters', 'mt.supportedMethods', 'mt.setPostCategories', 'mt.getPostCategories', 'mt.getRecentPostTitles', 'mt.getCategoryList',
  'metaWeblog.getUsersBlogs', 'metaWeblog.deletePost', 'metaWeblog.newMediaObject', 'metaWeblog.getCategories', 'metaWeblog.getRecentPosts', 'metaWeblog.getPost', 'metaWeblog.editPost', 'metaWeblog.newPost',
  'blogger.deletePost', 'blogger.editPost', 'blogger.newPost', 'blogger.getRecentPosts', 'blogger.getPost', 'blogger.getUserInfo', 'blogger.getUsersBlogs',
  'wp.restoreRevision', 'wp.getRevisions', 'wp.getPostTypes', 'wp.getPostType', 'wp.getPostFormats', 'wp.getMediaLibrary', 'wp.getMediaItem', 'wp.getCommentStatusList', 'wp.newComment', 'wp.editComment',
  'wp.deleteComment', 'wp.getComments', 'wp.getComment', 'wp.setOptions', 'wp.getOptions', 'wp.getPageTemplates', 'wp.getPageStatusList', 'wp.getPostStatusList', 'wp.getCommentCount', 'wp.deleteFile',
  'wp.uploadFile', 'wp.suggestCategories', 'wp.deleteCategory', 'wp.newCategory', 'wp.getTags', 'wp.getCategories', 'wp.getAuthors', 'wp.getPageList', 'wp.editPage', 'wp.deletePage', 'wp.newPage', 'wp.getPages',
  'wp.getPage', 'wp.editProfile', 'wp.getProfile', 'wp.getUsers', 'wp.getUser', 'wp.getTaxonomies', 'wp.getTaxonomy', 'wp.getTerms', 'wp.getTerm', 'wp.deleteTerm', 'wp.editTerm', 'wp.newTerm', 'wp.getPosts',
  'wp.getPost', 'wp.deletePost', 'wp.editPost', 'wp.newPost', 'wp.getUsersBlogs',
];

const str = (v: unknown) => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');

/** Where a method carries its username and password: wp.getUsersBlogs first, the others after a blog id or app key. */
function credentialsOf(call: RpcCall): [string, string] | null {
  const { methodName: m, params } = call;
  if (m === 'wp.getUsersBlogs') return [str(params[0]), str(params[1])];
  if (/^(wp|metaWeblog|blogger|mt)\./.test(m) && params.length >= 3) return [str(params[1]), str(params[2])];
  return null;
}

/** One call's answer: the value's XML, or a fault. */
function answer(c: RouteContext, call: RpcCall, tags: Set<string>): { fault: [number, string] } | { value: string } {
  const m = call.methodName;
  if (m === 'system.listMethods') return { value: rpcStringArray(RPC_METHODS) };
  if (m === 'demo.sayHello') return { value: '<string>Hello!</string>' };
  if (m === 'demo.addTwoNumbers') return { value: `<int>${(Number(call.params[0]) || 0) + (Number(call.params[1]) || 0)}</int>` };
  if (m === 'pingback.ping') {
    tags.add('exploit:pingback'); // never fetched: the honeypot opens no outbound connection
    return { fault: [16, 'The source URL does not exist.'] };
  }
  if (!RPC_METHODS.includes(m)) return { fault: [-32601, `server error. requested method ${m} does not exist.`] };
  const cred = credentialsOf(call);
  if (cred) {
    c.auth(cred[0], cred[1]);
    return { fault: [403, 'Incorrect username or password.'] };
  }
  return { fault: [-32602, 'server error. wrong number of method parameters'] };
}

/** WordPress's IXR server: GET is refused with 405; each POST gets a methodResponse. */
function xmlrpc(c: RouteContext): Reply {
  if (c.req.method !== 'POST') return app(405, 'XML-RPC server accepts POST requests only.', 'text/plain;charset=UTF-8', [['Allow', 'POST']], { tags: ['probe:xmlrpc'] });
  const tags = new Set(['probe:xmlrpc']);
  const call = parseMethodCall(c.bodyText);
  let xml: string;
  if (!call) xml = rpcFault(-32700, 'parse error. not well formed');
  else if (call.methodName === 'system.multicall') {
    tags.add('login:xmlrpc-multicall');
    const results = multicallCalls(call, 1000).map((sub) => {
      const a = answer(c, sub, tags);
      if ('value' in a) return `<value><array><data>\n<value>${a.value}</value>\n</data></array></value>`;
      return `<value>${rpcStruct([['faultCode', `<int>${a.fault[0]}</int>`], ['faultString', `<string>${a.fault[1]}</string>`]])}</value>`;
    });
    xml = rpcResponse(`<array><data>\n${results.join('\n')}\n</data></array>`);
  } else {
    const a = answer(c, call, tags);
    xml = 'value' in a ? rpcResponse(a.value) : rpcFault(a.fault[0], a.fault[1]);
    if (credentialsOf(call)) tags.add('login:xmlrpc');
  }
  // IXR_Server::output() sets its own Connection and Date (nginx drops the first and keeps the PHP date).
  return app(200, xml, 'text/xml; charset=UTF-8', [['Connection', 'close'], ['Date', phpDateR(c.now)]], { tags: [...tags] });
}

/** PHP's gmdate('r'): `Thu, 01 Jan 2026 00:00:00 +0000`. */
function phpDateR(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/** /wp-admin/ for a visitor without a login cookie: auth_redirect() to the login. */
function wpAdmin(c: RouteContext): Reply {
  const back = encodeURIComponent(`${c.origin}${c.req.path}`);
  return app(302, '', 'text/html; charset=UTF-8', [
    ['Expires', 'Wed, 11 Jan 1984 05:00:00 GMT'],
    ['Cache-Control', 'no-cache, must-revalidate, max-age=0, no-store, private'],
    ['X-Redirect-By', 'WordPress'],
    ['Location', `${c.origin}/wp-login.php?redirect_to=${back}&reauth=1`],
  ], { tags: ['probe:wp-admin'] });
}

/** The REST users list (user enumeration reads the slugs). */
function restUsers(c: RouteContext): Reply {
  const users = knownUsers(c).map((slug, i) => ({ id: i + 1, name: slug === 'admin' ? 'admin' : slug, url: '', description: '', link: `${c.origin}/author/${slug}/`, slug, avatar_urls: {} }));
  return app(200, JSON.stringify(users), 'application/json; charset=UTF-8', [
    ['X-Robots-Tag', 'noindex'],
    ['Link', `<${c.origin}/wp-json/>; rel="https://api.w.org/"`],
    ['X-Content-Type-Options', 'nosniff'],
    ['Access-Control-Expose-Headers', 'X-WP-Total, X-WP-TotalPages, Link'],
    ['Access-Control-Allow-Headers', 'Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type'],
    ['X-WP-Total', String(users.length)],
    ['X-WP-TotalPages', '1'],
    ['Allow', 'GET'],
  ], { tags: ['probe:wp-users'] });
}

/** The blog's front page (portal `wordpress`). */
function home(c: RouteContext): Reply {
  const name = escapeHtml(siteName(c));
  const ver = c.site.pick('wp-version', WP_VERSIONS);
  const post = c.site.pick('wp-post', ['Hello world!', 'Welcome to our new site', 'Site maintenance notice', 'Our opening hours']);
  const body = `<!DOCTYPE html>
<html lang="en-US">
<head>
<meta charset="UTF-8" />
<meta name="viewport" content="width=device-width, initial-scale=1" />
<meta name='robots' content='max-image-preview:large' />
<title>${name}</title>
<link rel="alternate" type="application/rss+xml" title="${name} &raquo; Feed" href="${c.origin}/feed/" />
<link rel='stylesheet' id='wp-block-library-css' href='${c.origin}/wp-includes/css/dist/block-library/style.min.css?ver=${ver}' media='all' />
<link rel="https://api.w.org/" href="${c.origin}/wp-json/" />
<link rel="EditURI" type="application/rsd+xml" title="RSD" href="${c.origin}/xmlrpc.php?rsd" />
<meta name="generator" content="WordPress ${ver}" />
</head>
<body class="home blog wp-embed-responsive">
<div class="wp-site-blocks">
<header class="wp-block-template-part"><p class="wp-block-site-title"><a href="${c.origin}" rel="home">${name}</a></p></header>
<main class="wp-block-group">
<h2 class="wp-block-post-title"><a href="${c.origin}/?p=1" target="_self">${escapeHtml(post)}</a></h2>
</main>
<footer class="wp-block-template-part"><p class="has-text-align-center">Proudly powered by <a href="https://wordpress.org" rel="nofollow">WordPress</a></p></footer>
</div>
</body>
</html>
`;
  return app(200, body, 'text/html; charset=UTF-8', [['Link', `<${c.origin}/wp-json/>; rel="https://api.w.org/"`]]);
}

export const WORDPRESS_ROUTES: Route[] = [
  { match: '/wp-login.php', handle: wpLogin },
  { match: '/xmlrpc.php', handle: xmlrpc },
  { match: '/wp-admin', handle: () => page(301, { location: '/wp-admin/', tags: ['probe:wp-admin'] }) },
  { match: /^\/wp-admin\/(index\.php)?$/, handle: wpAdmin },
  { match: /^\/wp-json\/wp\/v2\/users\/?$/, handle: restUsers },
  // PHP runs the config file and prints nothing: the 200 with an empty body every WordPress gives.
  { match: '/wp-config.php', tags: ['probe:config'], handle: () => app(200, '', 'text/html; charset=UTF-8') },
];

export const WORDPRESS_HOME: Route[] = [{ match: '/', handle: home }, { match: '/index.php', handle: home }];
