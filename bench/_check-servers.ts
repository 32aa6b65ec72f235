/**
 * Local targets for the `checks` benchmark, in their own process so their CPU is not counted against the
 * monitor: K TCP listeners (send a banner, close) and K HTTP servers (200 with a small JSON body). Prints
 * `{"tcp":[ports],"http":[ports]}` on one line, then serves until stdin closes.
 */
import { createServer as createHttp } from 'node:http';
import { createServer as createTcp } from 'node:net';

const k = Number(process.argv[2] ?? 16);
const tcp: number[] = [];
const http: number[] = [];
for (let i = 0; i < k; i++) {
  const t = createTcp((s) => {
    s.on('error', () => {});
    s.end('SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n');
  });
  t.listen(0, '127.0.0.1');
  await new Promise((r) => t.once('listening', r));
  tcp.push((t.address() as { port: number }).port);
  const h = createHttp((req, res) => {
    res.on('error', () => {});
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
  });
  h.keepAliveTimeout = 1000;
  h.listen(0, '127.0.0.1');
  await new Promise((r) => h.once('listening', r));
  http.push((h.address() as { port: number }).port);
}
process.stdout.write(`${JSON.stringify({ tcp, http })}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
