import type { SiteIdentity } from './site-identity.js';

/**
 * The files scanners hope to find left in a web root (.env, .git/config, .aws/credentials, Spring's /actuator/env),
 * with plausible but fake values derived from the persona: stable for one install, different on every other, and
 * never valid anywhere (keys are random, AWS keys use an access key id nobody was issued).
 */
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const PW = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

export interface FakeCredentials {
  dbUser: string;
  dbPassword: string;
  dbName: string;
  awsKeyId: string;
  awsSecret: string;
  appKey: string;
  mailPassword: string;
}

export function fakeCredentials(site: SiteIdentity): FakeCredentials {
  return {
    dbUser: site.pick('db-user', [site.slug, `${site.slug}_app`, 'app', 'webapp', `${site.slug}_prod`]).slice(0, 32),
    dbPassword: site.chars('db-pass', 20, PW),
    dbName: site.pick('db-name', [site.slug, `${site.slug}_prod`, `${site.slug}_db`, 'production']).slice(0, 64),
    awsKeyId: `AKIA${site.chars('aws-id', 16, UPPER_DIGITS)}`,
    awsSecret: site.chars('aws-secret', 40, B64),
    appKey: `base64:${Buffer.from(site.hex('app-key', 32), 'hex').toString('base64')}`,
    mailPassword: site.chars('mail-pass', 16, PW),
  };
}

function domainOf(site: SiteIdentity): string {
  return site.fqdn.includes('.') ? site.fqdn.slice(site.fqdn.indexOf('.') + 1) : `${site.slug.replace(/_/g, '-')}.com`;
}

/** A Laravel-style .env. */
export function envFile(site: SiteIdentity): string {
  const f = fakeCredentials(site);
  const domain = domainOf(site);
  return `APP_NAME="${site.org}"
APP_ENV=production
APP_KEY=${f.appKey}
APP_DEBUG=false
APP_URL=https://${site.fqdn}

LOG_CHANNEL=stack
LOG_LEVEL=error

DB_CONNECTION=mysql
DB_HOST=127.0.0.1
DB_PORT=3306
DB_DATABASE=${f.dbName}
DB_USERNAME=${f.dbUser}
DB_PASSWORD=${f.dbPassword}

CACHE_DRIVER=redis
SESSION_DRIVER=redis
QUEUE_CONNECTION=redis
REDIS_HOST=127.0.0.1
REDIS_PASSWORD=null
REDIS_PORT=6379

MAIL_MAILER=smtp
MAIL_HOST=smtp.${domain}
MAIL_PORT=587
MAIL_USERNAME=noreply@${domain}
MAIL_PASSWORD=${f.mailPassword}
MAIL_ENCRYPTION=tls
MAIL_FROM_ADDRESS=noreply@${domain}

AWS_ACCESS_KEY_ID=${f.awsKeyId}
AWS_SECRET_ACCESS_KEY=${f.awsSecret}
AWS_DEFAULT_REGION=${site.pick('aws-region', ['eu-central-1', 'us-east-1', 'eu-west-1', 'us-west-2'])}
AWS_BUCKET=${site.slug.replace(/_/g, '-')}-uploads
`;
}

export function gitConfig(site: SiteIdentity): string {
  const host = site.pick('git-host', [`git.${domainOf(site)}`, 'gitlab.com', 'github.com', 'bitbucket.org']);
  const repo = site.pick('git-repo', ['website', 'web', 'portal', 'app', `${site.slug.replace(/_/g, '-')}-site`]);
  const branch = site.pick('git-branch', ['main', 'master', 'production']);
  return `[core]
\trepositoryformatversion = 0
\tfilemode = true
\tbare = false
\tlogallrefupdates = true
[remote "origin"]
\turl = git@${host}:${site.slug.replace(/_/g, '-')}/${repo}.git
\tfetch = +refs/heads/*:refs/remotes/origin/*
[branch "${branch}"]
\tremote = origin
\tmerge = refs/heads/${branch}
`;
}

export function gitHead(site: SiteIdentity): string {
  return `ref: refs/heads/${site.pick('git-branch', ['main', 'master', 'production'])}\n`;
}

export function awsCredentials(site: SiteIdentity): string {
  const f = fakeCredentials(site);
  return `[default]\naws_access_key_id = ${f.awsKeyId}\naws_secret_access_key = ${f.awsSecret}\n`;
}

/** Spring Boot 2's /actuator index. */
export function actuatorIndex(origin: string): string {
  const link = (p: string, templated = false) => ({ href: `${origin}/actuator${p}`, templated });
  return JSON.stringify({ _links: { self: link(''), health: link('/health'), 'health-path': link('/health/{*path}', true), info: link('/info'), env: link('/env'), 'env-toMatch': link('/env/{toMatch}', true), metrics: link('/metrics'), mappings: link('/mappings') } });
}

/** Spring Boot 2's /actuator/env: secrets masked as it masks them, the rest (and the JDBC URL) in the clear. */
export function actuatorEnv(site: SiteIdentity): string {
  const f = fakeCredentials(site);
  const prop = (value: string | number, origin?: string) => (origin ? { value, origin } : { value });
  return JSON.stringify({
    activeProfiles: ['prod'],
    propertySources: [
      { name: 'server.ports', properties: { 'local.server.port': prop(8080) } },
      { name: 'systemProperties', properties: { 'java.version': prop('17.0.12'), 'user.name': prop('spring'), 'java.home': prop('/usr/lib/jvm/java-17-openjdk-amd64'), 'os.name': prop('Linux') } },
      { name: 'systemEnvironment', properties: { HOSTNAME: prop(site.hostname, 'System Environment Property "HOSTNAME"'), HOME: prop('/home/spring', 'System Environment Property "HOME"'), AWS_ACCESS_KEY_ID: prop(f.awsKeyId, 'System Environment Property "AWS_ACCESS_KEY_ID"'), AWS_SECRET_ACCESS_KEY: prop('******', 'System Environment Property "AWS_SECRET_ACCESS_KEY"') } },
      {
        name: 'Config resource \'class path resource [application-prod.properties]\' via location \'optional:classpath:/\'',
        properties: {
          'spring.datasource.url': prop(`jdbc:mysql://127.0.0.1:3306/${f.dbName}?useSSL=false`, 'class path resource [application-prod.properties] - 1:25'),
          'spring.datasource.username': prop(f.dbUser, 'class path resource [application-prod.properties] - 2:28'),
          'spring.datasource.password': prop('******', 'class path resource [application-prod.properties] - 3:28'),
          'spring.jpa.hibernate.ddl-auto': prop('validate', 'class path resource [application-prod.properties] - 4:31'),
          'management.endpoints.web.exposure.include': prop('*', 'class path resource [application-prod.properties] - 6:43'),
        },
      },
    ],
  });
}
