/**
 * Holds N idle connections to a port from its own process (the per-process file limit is 20,000), spread over
 * several 127.x source addresses; prints `{"open":N}` once all are established (or failed), then waits.
 * argv: port count [firstOctet] — sources are 127.<firstOctet + i/62,500>.x.y, so holders started with different
 * octets never share a source address (each address has its own ephemeral port range).
 */
import { connect, type Socket } from 'node:net';

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const octet = Number(process.argv[4] ?? 0);
const socks: Socket[] = [];
let open = 0;
let failed = 0;
await new Promise<void>((done) => {
  let i = 0;
  const next = () => {
    // Bounded connects in flight, so the listen backlog is never the bottleneck.
    while (i < count && i - open - failed < 256) {
      const s = connect({ port, host: '127.0.0.1', localAddress: `127.${octet}.${1 + (Math.floor(i / 250) % 250)}.${1 + (i % 250)}` });
      i++;
      s.on('connect', () => {
        open++;
        if (open + failed === count) done();
        else next();
      });
      s.on('error', () => {
        failed++;
        if (open + failed === count) done();
        else next();
      });
      s.on('data', () => {});
      socks.push(s);
    }
  };
  next();
});
process.stdout.write(`${JSON.stringify({ open, failed })}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
