import type { ShellCommand } from '../command.js';
import { isoSecond } from '../system/time-format.js';
import { fakeAddress, fakeBody, isIp, parseUrl, resolvable, saveDownload, wgetSize } from './lib/fake-download.js';

/**
 * `wget [-q] [-O FILE] [-P DIR] URL...`: reports the URL to `onDownload`, prints wget's progress and saves a
 * plausible file in the session overlay. No connection is made.
 */
export const wget = {
  name: 'wget',
  paths: ['/usr/bin/wget'],
  run(args, io, ctx) {
    let quiet = false;
    let output: string | undefined;
    let prefix: string | undefined;
    const urls: string[] = [];
    for (let i = 0; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-q' || a === '--quiet' || a === '-nv' || a === '--no-verbose') quiet = true;
      else if (a === '-O' || a === '--output-document') output = args[++i];
      else if (a.startsWith('-O') && a.length > 2) output = a.slice(2);
      else if (a.startsWith('--output-document=')) output = a.slice(18);
      else if (a === '-P' || a === '--directory-prefix') prefix = args[++i];
      else if (a.startsWith('--directory-prefix=')) prefix = a.slice(19);
      else if (a === '-V' || a === '--version') {
        io.out('GNU Wget 1.21.3 built on linux-gnu.\n');
        return 0;
      } else if (a.startsWith('-')) continue;
      else urls.push(a);
    }
    if (urls.length === 0) {
      io.err("wget: missing URL\nUsage: wget [OPTION]... [URL]...\n\nTry `wget --help' for more options.\n");
      return 1;
    }
    let status = 0;
    for (const raw of urls) {
      const url = parseUrl(raw);
      const started = ctx.now();
      if (!url || !['http', 'https', 'ftp'].includes(url.scheme)) {
        io.err(url ? `${raw}: Unsupported scheme ‘${url.scheme}’.\n` : `${raw}: Invalid URL ${raw}: Invalid host name\n`);
        status = 1;
        continue;
      }
      const full = /^[a-z]+:\/\//i.test(raw) ? raw : `http://${raw}`;
      const dest = output ?? (prefix ? `${prefix.replace(/\/$/, '')}/${url.fileName}` : url.fileName);
      ctx.hooks.onDownload(full, { tool: 'wget', savedAs: dest === '-' ? undefined : ctx.resolve(dest) });
      let log = `--${isoSecond(started)}--  ${full}\n`;
      if (!resolvable(url.host)) {
        log += `Resolving ${url.host} (${url.host})... failed: Name or service not known.\nwget: unable to resolve host address ‘${url.host}’\n`;
        if (!quiet) io.err(log);
        status = 4;
        continue;
      }
      const address = fakeAddress(url.host);
      if (isIp(url.host)) log += `Connecting to ${url.host}:${url.port}... connected.\n`;
      else log += `Resolving ${url.host} (${url.host})... ${address}\nConnecting to ${url.host} (${url.host})|${address}|:${url.port}... connected.\n`;
      const body = fakeBody(full);
      log += `${url.scheme === 'ftp' ? 'Logging in as anonymous ... Logged in!\n' : 'HTTP request sent, awaiting response... 200 OK\n'}Length: ${body.size} (${wgetSize(body.size)}) [${body.type}]\n`;
      let target = dest;
      if (dest === '-') {
        log += 'Saving to: ‘STDOUT’\n\n';
        if (!quiet) io.err(log);
        io.out((body.content as (v: { now: number }) => string)({ now: started }));
        continue;
      }
      if (output === undefined) {
        let n = 1;
        while (ctx.fs.exists(ctx.resolve(target)) && n < 100) target = `${dest}.${n++}`;
      }
      log += `Saving to: ‘${target}’\n\n`;
      const error = saveDownload(ctx, ctx.resolve(target), full);
      if (error) {
        log += `${target}: ${error}\n\nCannot write to ‘${target}’ (${error}).\n`;
        if (!quiet) io.err(log);
        status = 3;
        continue;
      }
      const speed = (body.size / 1024 / 1024 / (0.05 + (body.size % 97) / 100)).toFixed(1);
      log += `${target.slice(0, 19).padEnd(19)} 100%[===================>] ${wgetSize(body.size).padStart(7)}  ${`${speed}MB/s`.padStart(9)}    in 0.1s    \n\n`;
      log += `${isoSecond(ctx.now())} (${speed} MB/s) - ‘${target}’ saved [${body.size}/${body.size}]\n\n`;
      if (!quiet) io.err(log);
    }
    return status;
  },
} satisfies ShellCommand;
