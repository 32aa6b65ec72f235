/**
 * The HTTP honeypot's nginx against the real one: Debian 12's nginx 1.22.1 (the default persona's release) runs
 * on a loopback port with Debian's nginx.conf settings (`gzip on`, the rest at defaults) and a site that has
 * nothing but its error pages, and both get the same raw requests. The status line and every header but Date must
 * be identical, in order, and the bodies equal once de-chunked and inflated. nginx links the system zlib and we
 * do not, so the compressed bytes themselves may differ; what a client sees may not.
 * Under CI=true a missing nginx fails the test (apt-get install nginx).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { httpService } from '../../../src/honeynet/services/http/http-service.js';
import { TEST_PERSONA } from '../persona-fixture.js';
import { FILES, LIMITS, missing, SESSION, sleep } from './db-services-helper.js';
import { startTestService, type TestService } from './service-harness.js';

const skip = missing('nginx', 'nginx');

/** The requests both servers get (paths neither has: nginx's own 404 page, or its 400). */
const PROBES: Array<[string, string]> = [
  ['plain GET', 'GET /no-such-page HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n'],
  ['GET asking for gzip', 'GET /no-such-page HTTP/1.1\r\nHost: web\r\nAccept-Encoding: gzip, deflate\r\nConnection: close\r\n\r\n'],
  ['gzip in capitals after another coding', 'GET /no-such-page HTTP/1.1\r\nHost: web\r\nAccept-Encoding: deflate, GZIP\r\nConnection: close\r\n\r\n'],
  ['HEAD asking for gzip', 'HEAD /no-such-page HTTP/1.1\r\nHost: web\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n'],
  ['HTTP/1.0 asking for gzip', 'GET /no-such-page HTTP/1.0\r\nHost: web\r\nAccept-Encoding: gzip\r\n\r\n'],
  ['gzip;q=0', 'GET /no-such-page HTTP/1.1\r\nHost: web\r\nAccept-Encoding: gzip;q=0\r\nConnection: close\r\n\r\n'],
  ['x-gzip only', 'GET /no-such-page HTTP/1.1\r\nHost: web\r\nAccept-Encoding: x-gzip\r\nConnection: close\r\n\r\n'],
  ['through a proxy (Via)', 'GET /no-such-page HTTP/1.1\r\nHost: web\r\nAccept-Encoding: gzip\r\nVia: 1.1 cache\r\nConnection: close\r\n\r\n'],
  ['400 (no Host) asking for gzip', 'GET /no-such-page HTTP/1.1\r\nAccept-Encoding: gzip\r\n\r\n'],
  ['keep-alive, gzip', 'GET /no-such-page HTTP/1.1\r\nHost: web\r\nAccept-Encoding: gzip\r\n\r\n'],
];

interface Seen {
  head: string[];
  body: Buffer;
}

/** One raw request; the response read until the server closes or goes quiet for 300 ms. */
function exchange(port: number, request: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const s = connect(port, '127.0.0.1', () => s.write(request));
    let quiet: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(quiet);
      s.destroy();
      resolve(Buffer.concat(chunks));
    };
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      clearTimeout(quiet);
      quiet = setTimeout(done, 300);
    });
    s.on('close', done);
    s.on('error', reject);
  });
}

/** The head as lines (Date's value masked) and the body de-chunked and inflated as the headers say. */
function decode(raw: Buffer): Seen {
  const end = raw.indexOf('\r\n\r\n');
  assert.ok(end > 0, `no end of headers in ${JSON.stringify(raw.toString('latin1'))}`);
  const head = raw.subarray(0, end).toString('latin1').split('\r\n').map((l) => (/^date:/i.test(l) ? 'Date: *' : l));
  let body = raw.subarray(end + 4);
  const has = (re: RegExp) => head.some((l) => re.test(l));
  if (has(/^transfer-encoding:\s*chunked$/i)) {
    const parts: Buffer[] = [];
    let rest = body;
    for (;;) {
      const nl = rest.indexOf('\r\n');
      const size = parseInt(rest.subarray(0, nl).toString('latin1'), 16);
      if (!(size > 0)) break;
      parts.push(rest.subarray(nl + 2, nl + 2 + size));
      rest = rest.subarray(nl + 2 + size + 2);
    }
    body = Buffer.concat(parts);
  }
  if (has(/^content-encoding:\s*gzip$/i) && body.length > 0) body = gunzipSync(body);
  return { head, body };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

describe('nginx persona against the real nginx 1.22.1', { skip }, () => {
  let dir: string;
  let nginx: ChildProcess | null = null;
  let realPort: number;
  let svc: TestService;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lnmt-nginx-ref-'));
    mkdirSync(join(dir, 'www'));
    realPort = await freePort();
    // Debian 12's nginx.conf, its http block as shipped (gzip on, logs aside), and a server with no files.
    writeFileSync(
      join(dir, 'nginx.conf'),
      `worker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/error.log;\nevents { worker_connections 64; }\nhttp {\n` +
        '  sendfile on; tcp_nopush on; types_hash_max_size 2048;\n  include /etc/nginx/mime.types; default_type application/octet-stream;\n' +
        `  access_log off; gzip on;\n  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;\n` +
        `  server {\n    listen 127.0.0.1:${realPort} default_server;\n    root ${dir}/www; index index.html; server_name _;\n    location / { try_files $uri $uri/ =404; }\n  }\n}\n`,
    );
    nginx = spawn('nginx', ['-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    nginx.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    for (let i = 0; i < 100; i++) {
      const up = await exchange(realPort, 'GET / HTTP/1.0\r\n\r\n').then((b) => b.length > 0, () => false);
      if (up) break;
      if (nginx.exitCode !== null) throw new Error(`nginx exited: ${err}`);
      await sleep(50);
    }
    svc = await startTestService(httpService(), { persona: TEST_PERSONA, settings: { server: 'nginx', portal: 'none' }, limits: LIMITS, session: SESSION, ...FILES });
  });

  after(async () => {
    nginx?.kill('SIGTERM');
    await svc?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the persona claims the same release as the nginx it is compared with', async () => {
    const real = decode(await exchange(realPort, PROBES[0]![1]));
    assert.ok(real.head.includes('Server: nginx/1.22.1'), real.head.join('\n'));
  });

  for (const [name, request] of PROBES) {
    it(`${name}: same status, headers in the same order, same body`, async () => {
      const [real, ours] = await Promise.all([exchange(realPort, request), exchange(svc.listener.address.port, request)]);
      const r = decode(real);
      const o = decode(ours);
      assert.deepEqual(o.head, r.head, `headers\n--- nginx\n${r.head.join('\n')}\n--- ours\n${o.head.join('\n')}`);
      assert.equal(o.body.toString('latin1'), r.body.toString('latin1'));
    });
  }
});
