/**
 * Holds N idle connections to a port from its own process (the per-process file limit is 20,000), spread over
 * several 127.x source addresses; prints `{"open":N}` once all are established (or failed), then waits.
 * argv: port count
 */
import { connect, type Socket } from 'node:net';

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const socks: Socket[] = [];
let open = 0;
let failed = 0;
await new Promise<void>((done) => {
  let i = 0;
  const next = () => {
    // Bounded connects in flight, so the listen backlog is never the bottleneck.
    while (i < count && i - open - failed < 256) {
      const s = connect({ port, host: '127.0.0.1', localAddress: `127.0.${1 + ((i >> 8) % 250)}.${1 + (i % 250)}` });
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
