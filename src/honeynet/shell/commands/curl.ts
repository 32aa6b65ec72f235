import type { ShellCommand } from '../command.js';
import { fakeBody, parseUrl, resolvable, saveDownload } from './lib/fake-download.js';

/** curl's 5-character size fields: `1234`, `98765`, `1209k`, `12.0M`. */
function curlSize(n: number): string {
  if (n < 100_000) return String(n);
  if (n < 10_000 * 1024) return `${Math.round(n / 1024)}k`;
  return `${(n / 1024 / 1024).toFixed(1)}M`;
}

function meter(size: number): string {
  const speed = curlSize(Math.round(size * 2.7));
  return `  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n                                 Dload  Upload   Total   Spent    Left  Speed\n100 ${curlSize(size).padStart(5)}  100 ${curlSize(size).padStart(5)}    0     0  ${speed.padStart(5)}      0 --:--:-- --:--:-- --:--:-- ${speed.padStart(5)}\n`;
}

/**
 * `curl [-sSfLkO] [-o FILE] URL`: reports the URL to `onDownload`; the body goes to stdout or a file in the
 * session overlay, with curl's progress meter and messages. No connection is made.
 */
export const curl = {
  name: 'curl',
  paths: ['/usr/bin/curl'],
  run(args, io, ctx) {
    let silent = false;
    let showErrors = false;
    let output: string | undefined;
    let remoteName = false;
    let head = false;
    const urls: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-o' || a === '--output') output = args[++i];
      else if (a === '--remote-name') remoteName = true;
      else if (a === '-V' || a === '--version') {
        io.out('curl 7.88.1 (x86_64-pc-linux-gnu) libcurl/7.88.1 OpenSSL/3.0.15 zlib/1.2.13 brotli/1.0.9 zstd/1.5.4 libidn2/2.3.3 libpsl/0.21.2 (+libidn2/2.3.3) libssh2/1.10.0 nghttp2/1.52.0 librtmp/2.3 OpenLDAP/2.5.13\nRelease-Date: 2023-02-20, security patched: 7.88.1-10+deb12u8\n');
        return 0;
      } else if (/^-[A-Za-z]+$/.test(a)) {
        for (const c of a.slice(1)) {
          if (c === 's') silent = true;
          else if (c === 'S') showErrors = true;
          else if (c === 'O') remoteName = true;
          else if (c === 'I') head = true;
          else if (c === 'o') output = args[++i];
          else if ('XdHAeuxTmwbc'.includes(c)) i++;
        }
      } else if (a.startsWith('--')) {
        if (['--data', '--header', '--user-agent', '--request', '--max-time', '--connect-timeout', '--retry', '--proxy', '--user', '--cookie'].includes(a)) i++;
        if (a === '--silent') silent = true;
      } else urls.push(a);
    }
    if (urls.length === 0) {
      io.err("curl: try 'curl --help' or 'curl --manual' for more information\n");
      return 2;
    }
    let status = 0;
    for (const raw of urls) {
      const url = parseUrl(raw);
      const full = /^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`;
      if (!url || !['http', 'https', 'ftp', 'tftp'].includes(url.scheme)) {
        if (!silent || showErrors) io.err(`curl: (1) Protocol "${url?.scheme ?? raw}" not supported or disabled in libcurl\n`);
        status = 1;
        continue;
      }
      const dest = output ?? (remoteName ? url.fileName : undefined);
      ctx.hooks.onDownload(full, { tool: 'curl', savedAs: dest === undefined || dest === '-' ? undefined : ctx.resolve(dest) });
      if (!resolvable(url.host)) {
        if (!silent || showErrors) io.err(`curl: (6) Could not resolve host: ${url.host}\n`);
        status = 6;
        continue;
      }
      const body = fakeBody(full);
      if (head) {
        io.out(`HTTP/1.1 200 OK\r\nServer: nginx\r\nDate: ${new Date(ctx.now()).toUTCString()}\r\nContent-Type: ${body.type}\r\nContent-Length: ${body.size}\r\nConnection: keep-alive\r\n\r\n`);
        continue;
      }
      if (dest === undefined || dest === '-') {
        const text = (body.content as (v: { now: number }) => string)({ now: ctx.now() });
        if (io.stdoutIsTerminal && body.type !== 'text/html') {
          io.err('Warning: Binary output can mess up your terminal. Use "--output -" to tell \nWarning: curl to output it to your terminal anyway, or consider "--output \nWarning: <FILE>" to save to a file.\n');
          status = 23;
          continue;
        }
        if (!silent && !io.stdoutIsTerminal) io.err(meter(body.size));
        io.out(text);
        continue;
      }
      const error = saveDownload(ctx, ctx.resolve(dest), full);
      if (error) {
        if (!silent || showErrors) io.err(`Warning: Failed to open the file ${dest}: ${error}\ncurl: (23) Failure writing output to destination\n`);
        status = 23;
        continue;
      }
      if (!silent) io.err(meter(body.size));
    }
    return status;
  },
} satisfies ShellCommand;
