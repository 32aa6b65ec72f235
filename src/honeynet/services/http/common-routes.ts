import { actuatorEnv, actuatorIndex, awsCredentials, envFile, gitConfig, gitHead } from './bait-files.js';
import type { Reply } from './http-reply.js';
import { routerModel } from './portals/router-portal.js';
import { app, file, page, type Route, type RouteContext } from './route-types.js';
import { APACHE_IT_WORKS, GIF_1X1, NGINX_WELCOME, PNG_1X1 } from './static-assets.js';

/**
 * The probe table: paths scanners and exploit kits ask every web server for, each answered as this server
 * plausibly would (a bait file, a refusal, its 404) and tagged with what it was after. One row per path; the
 * conversation adds tags from the user agent and exploit signatures on top.
 */

/** When the web root's files were "deployed": a while before the persona's boot, stable per install. */
const deployed = (c: RouteContext, label: string) => c.site.pastTime(`mtime:${label}`, 3, 200);

/** nginx's default_type for a file without a known extension; Apache sends no Content-Type at all. */
const unknownType = (c: RouteContext) => (c.release.product === 'nginx' ? 'application/octet-stream' : null);

const notFound = (): Reply => page(404);
/** A path nginx has no file for but Apache's config refuses (server-status is `Require local`, .ht* denied). */
const apacheForbids = (c: RouteContext): Reply => page(c.release.product === 'apache' ? 403 : 404);

/** The HTTP Basic realm on /admin: answered with 401 again whatever the credentials (the conversation records them). */
function basicRealm(c: RouteContext): Reply {
  const realm = c.settings.portal === 'router'
    ? (({ vendor, model }) => `${vendor} ${model}`)(routerModel(c))
    : c.site.pick('realm', ['Restricted', 'Restricted Area', 'Admin Area', 'Authentication Required', `${c.site.org} Admin`, 'Private']);
  return page(401, { headers: [['WWW-Authenticate', `Basic realm="${realm}"`]], tags: ['login:basic'] });
}

/** The portal-independent front page for portal `none`: the distribution's default page. */
export function defaultIndex(c: RouteContext): Reply {
  return c.release.product === 'nginx' ? file(NGINX_WELCOME, 'text/html', deployed(c, 'index')) : file(APACHE_IT_WORKS, 'text/html', deployed(c, 'index'));
}

const IMAGES: Record<string, [Buffer, string]> = { gif: [GIF_1X1, 'image/gif'], png: [PNG_1X1, 'image/png'] };

/** Canary URLs: `<canaryPath><token>.png` (or `.gif`) answer as a static 1×1 image and carry the token. */
export function canaryRoute(prefix: string): Route {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const re = new RegExp(`^${escaped}([A-Za-z0-9_-]{6,128})\\.(png|gif)$`);
  return {
    match: re,
    tags: ['canary'],
    handle: (c) => {
      const m = re.exec(c.path)!;
      const [body, type] = IMAGES[m[2]!]!;
      return file(body, type, deployed(c, 'canary'), { canaryToken: m[1]! });
    },
  };
}

export const COMMON_ROUTES: Route[] = [
  { match: '/.env', tags: ['probe:env'], handle: (c) => file(envFile(c.site), unknownType(c), deployed(c, 'env')) },
  { match: /(^|\/)\.env([.-][\w.-]*)?$|\/env\.(js|json)$/, tags: ['probe:env'], handle: notFound },
  { match: '/.git/config', tags: ['probe:git'], handle: (c) => file(gitConfig(c.site), unknownType(c), deployed(c, 'git')) },
  { match: '/.git/HEAD', tags: ['probe:git'], handle: (c) => file(gitHead(c.site), unknownType(c), deployed(c, 'git')) },
  { match: /^\/\.git\/?$/, tags: ['probe:git'], handle: () => page(403) },
  { match: '/.git/*', tags: ['probe:git'], handle: notFound },
  { match: '/.aws/credentials', tags: ['probe:aws'], handle: (c) => file(awsCredentials(c.site), unknownType(c), deployed(c, 'aws')) },
  { match: '/.aws/*', tags: ['probe:aws'], handle: notFound },
  { match: /^\/actuator\/?$/, tags: ['probe:actuator'], handle: (c) => app(200, actuatorIndex(c.origin), 'application/vnd.spring-boot.actuator.v3+json') },
  { match: '/actuator/env', tags: ['probe:actuator'], handle: (c) => app(200, actuatorEnv(c.site), 'application/vnd.spring-boot.actuator.v3+json') },
  { match: '/actuator/health', tags: ['probe:actuator'], handle: () => app(200, '{"status":"UP"}', 'application/vnd.spring-boot.actuator.v3+json') },
  {
    match: '/actuator/*',
    tags: ['probe:actuator'],
    handle: (c) => app(404, JSON.stringify({ timestamp: new Date(c.now).toISOString().replace('Z', '+00:00'), status: 404, error: 'Not Found', path: c.req.path }), 'application/json'),
  },
  { match: /eval-stdin\.php$/i, tags: ['exploit:phpunit'], handle: notFound },
  { match: /^\/server-(status|info)\/?$/, tags: ['probe:server-status'], handle: apacheForbids },
  { match: /^\/\.ht(access|passwd)$/, tags: ['probe:htaccess'], handle: apacheForbids },
  { match: '/boaform/*', tags: ['exploit:boaform'], handle: notFound },
  { match: '/HNAP1', tags: ['probe:hnap'], handle: notFound },
  { match: /^\/HNAP1\//, tags: ['probe:hnap'], handle: notFound },
  { match: /^\/cgi-bin\/?$/, tags: ['probe:cgi'], handle: () => page(403) },
  { match: '/cgi-bin/*', tags: ['probe:cgi'], handle: notFound },
  { match: /^\/admin\/?$/, handle: basicRealm },
  { match: /^\/(phpinfo|info|php_info|test)\.php$/i, tags: ['probe:phpinfo'], handle: notFound },
  { match: /\.(bak|old|orig|save|swp|sql|sql\.gz|tar\.gz|tgz|zip|7z|rar)$/i, tags: ['probe:backup'], handle: notFound },
  { match: /(^|\/)\.DS_Store$/, tags: ['probe:dsstore'], handle: notFound },
  { match: /^\/\.svn\//, tags: ['probe:svn'], handle: notFound },
  { match: /^\/\.(vscode|idea)\//, tags: ['probe:ide-config'], handle: notFound },
  { match: /^\/(manager\/html|host-manager\/html)/, tags: ['probe:tomcat'], handle: notFound },
  { match: /^\/(owa|ecp|autodiscover|Autodiscover)\//, tags: ['probe:exchange'], handle: notFound },
  { match: /^\/solr\//, tags: ['probe:solr'], handle: notFound },
  { match: /^\/(console|_ignition|telescope|horizon)\b/, tags: ['probe:framework-debug'], handle: notFound },
  { match: /^\/(config\.json|config\.php|configuration\.php|settings\.php|credentials\.json|secrets\.json)$/i, tags: ['probe:config'], handle: notFound },
  { match: /^\/(GponForm|setup\.cgi|shell)\b/, handle: notFound },
  { match: '/robots.txt', handle: (c) => file('User-agent: *\nDisallow: /admin/\n', 'text/plain', deployed(c, 'robots')) },
];
