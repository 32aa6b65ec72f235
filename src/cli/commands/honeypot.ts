import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { AppContext } from '../../app/context.js';
import { LnmtError } from '../../core/errors.js';
import type { HoneypotSessionRow } from '../../store/tables/honeynet.js';
import { FlagCheck } from '../flags.js';
import { ago, dash, duration, renderTable, shortTime } from '../format.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';

/** `lnmt honeypot sessions|show|replay`: what attackers did on the honeypots. */
export const honeypotCommands: CommandGroup = {
  name: 'honeypot',
  register(program, rt) {
    const hp = program.command('honeypot').description('honeypot sessions: list them, show one with its events, replay its terminal');

    hp.command('sessions')
      .description('sessions, newest first')
      .option('--service <name>', 'only this service (ssh, telnet, ...)')
      .option('--src <ip>', 'only from this source IP')
      .option('--logged-in', 'only sessions where a login succeeded')
      .option('--limit <n>', 'sessions per page (1..1000)', '50')
      .option('--offset <n>', 'skip this many', '0')
      .option('--json', 'print {total, items} as JSON')
      .action(async (opts, cmd) => sessions(rt, cmd as unknown as CommandUnknownOpts, opts));

    hp.command('show')
      .description('one session: who, when, credentials tried, commands, uploads, how it ended')
      .argument('<id>', 'a session id, or its first 8+ characters')
      .option('--json', 'print {session, events} as JSON')
      .action(async (id, opts, cmd) => show(rt, cmd as unknown as CommandUnknownOpts, id, opts));

    hp.command('replay')
      .description("replay a session's terminal as the attacker saw it (asciicast v2; `--raw` prints the file for asciinema)")
      .argument('<id>', 'a session id, or its first 8+ characters')
      .option('--speed <x>', 'playback speed factor', '1')
      .option('--max-pause <s>', 'cap pauses at this many seconds', '2')
      .option('--raw', 'print the asciicast file instead of playing it (`lnmt honeypot replay ID --raw > s.cast; asciinema play s.cast`)')
      .action(async (id, opts, cmd) => replay(rt, cmd as unknown as CommandUnknownOpts, id, opts));

    hp.command('nft')
      .description('print an nftables script that steers the real ports (22, 80, ... and the decoys) to the sensor: `lnmt honeypot nft --iface eth0 > lnmt.nft; nft -f lnmt.nft`')
      .option('--iface <name>', 'only traffic arriving on this interface')
      .option('--keep <ports>', 'real ports to leave alone, comma-separated (your own sshd: --keep 22)')
      .action(async (opts, cmd) => nft(rt, cmd as unknown as CommandUnknownOpts, opts));
  },
};

async function findSession(ctx: AppContext, ref: string): Promise<HoneypotSessionRow> {
  const exact = await ctx.repos.honeypotSessions.get(ref);
  if (exact) return exact;
  if (ref.length >= 8) {
    const hits = await ctx.repos.honeypotSessions.findByPrefix(ref.toLowerCase());
    if (hits.length === 1) return hits[0]!;
    if (hits.length > 1) throw new LnmtError('LNMT_ERR_VALIDATION', `"${ref}" matches several sessions`, { details: [{ where: '<id>', value: ref, message: 'ambiguous prefix', allowed: 'more characters of the id' }] });
  }
  throw new LnmtError('LNMT_ERR_NOT_FOUND', `no honeypot session "${ref}"`, { details: [{ where: '<id>', value: ref, message: 'not found', allowed: 'an id from `lnmt honeypot sessions`' }] });
}

async function sessions(rt: CliRuntime, cmd: CommandUnknownOpts, o: { service?: string; src?: string; loggedIn?: boolean; limit: string; offset: string; json?: boolean }): Promise<void> {
  const check = new FlagCheck();
  const limit = check.int('--limit', o.limit, { min: 1, max: 1000 })!;
  const offset = check.int('--offset', o.offset, { min: 0, max: Number.MAX_SAFE_INTEGER })!;
  const service = check.text('--service', o.service, 32);
  check.done();
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const { rows, total } = await ctx.repos.honeypotSessions.list({ service, srcIp: o.src, loggedIn: o.loggedIn ? true : undefined, limit, offset });
    const { honeypotSessionView } = await import('../../views/honeypot-session-view.js');
    if (o.json) return rt.json({ total, limit, offset, items: rows.map(honeypotSessionView) });
    if (rows.length === 0) {
      rt.print('no honeypot sessions yet');
      return;
    }
    const now = Date.now();
    rt.print(
      renderTable(
        ['ID', 'STARTED', 'SERVICE', 'SOURCE', 'USER', 'PASSWORD', 'LOGIN', 'CMDS', 'DURATION', 'ENDED'].map((h) => rt.c.bold(h)),
        rows.map((r) => [r.id.slice(0, 8), ago(r.started_at, now), r.service, `${r.src_ip}:${r.src_port}`, dash(r.username), dash(r.password), Number(r.logged_in) ? rt.c.red('yes') : 'no', String(r.commands), r.duration_ms === null ? 'open' : duration(Number(r.duration_ms)), dash(r.close_reason)]),
      ),
    );
    rt.note(`${rows.length} of ${total} session(s)`);
  });
}

async function show(rt: CliRuntime, cmd: CommandUnknownOpts, ref: string, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd);
  await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const row = await findSession(ctx, ref);
    const events = await ctx.repos.honeypotSessions.events(row);
    const { honeypotSessionView } = await import('../../views/honeypot-session-view.js');
    if (o.json) return rt.json({ session: honeypotSessionView(row), events });
    rt.print(`${rt.c.bold(row.service)} session ${row.id} from ${row.src_ip}:${row.src_port} to ${row.dst_ip}:${row.dst_port} (${row.sensor})`);
    rt.print(`started ${shortTime(row.started_at)}, ${row.ended_at === null ? 'still open' : `ended after ${duration(Number(row.duration_ms))}: ${row.close_reason}`}`);
    rt.print();
    for (const e of events) {
      const t = e.time.slice(11, 23);
      const d = e.data as unknown as Record<string, unknown>;
      const what =
        e.type === 'honeypot.auth' ? `login ${d.method} ${d.username}/${d.password ?? d.fingerprint ?? ''} ${d.success ? rt.c.red('ACCEPTED') : 'failed'}` :
        e.type === 'honeypot.command' ? `$ ${d.input}` :
        e.type === 'honeypot.upload' ? `upload ${d.filename} (${d.size} bytes, sha256 ${d.sha256})` :
        e.type === 'honeypot.forward_request' ? `forward request to ${d.dst_host}:${d.dst_port_requested} (refused)` :
        e.type === 'honeypot.close' ? `closed: ${d.reason} (in ${d.bytes_in} B, out ${d.bytes_out} B)` :
        e.type === 'honeypot.connect' ? 'connected' : e.type;
      rt.print(`${rt.c.dim(t)}  ${what}`);
    }
  });
}

async function replay(rt: CliRuntime, cmd: CommandUnknownOpts, ref: string, o: { speed: string; maxPause: string; raw?: boolean }): Promise<void> {
  const speed = Number(o.speed);
  const maxPause = Number(o.maxPause);
  const check = new FlagCheck();
  if (!(speed > 0 && speed <= 1000)) check.add({ where: '--speed', value: o.speed, message: 'not a speed', allowed: 'a number above 0, up to 1000' });
  if (!(maxPause >= 0 && maxPause <= 3600)) check.add({ where: '--max-pause', value: o.maxPause, message: 'not a pause', allowed: 'seconds from 0 to 3600' });
  check.done();
  const loaded = await rt.loadConfig(cmd);
  const text = await rt.withContext(loaded, { persistEvents: false }, async (ctx) => {
    const row = await findSession(ctx, ref);
    const { recordingPath } = await import('../../honeynet/runtime/recording-path.js');
    const { readFile } = await import('node:fs/promises');
    const path = recordingPath(ctx.config, row.id, rt.io.cwd);
    const t = path ? await readFile(path, 'utf8').catch(() => null) : null;
    if (t === null) throw new LnmtError('LNMT_ERR_NOT_FOUND', `session ${row.id} has no transcript (only interactive sessions are recorded)`);
    return t;
  });
  if (o.raw) {
    rt.io.stdout.write(text);
    return;
  }
  let last = 0;
  for (const line of text.split('\n').slice(1)) {
    if (!line.trim()) continue;
    let ev: [number, string, string];
    try {
      ev = JSON.parse(line) as [number, string, string];
    } catch {
      continue;
    }
    if (ev[1] !== 'o') continue;
    const wait = Math.min(maxPause, Math.max(0, ev[0] - last)) / speed;
    last = ev[0];
    if (wait > 0) await new Promise((r) => setTimeout(r, wait * 1000));
    rt.io.stdout.write(ev[2]);
  }
  rt.io.stdout.write('\n');
}

async function nft(rt: CliRuntime, cmd: CommandUnknownOpts, o: { iface?: string; keep?: string }): Promise<void> {
  const check = new FlagCheck();
  const iface = check.text('--iface', o.iface, 15);
  if (iface !== undefined && !/^[A-Za-z0-9_.:@-]+$/.test(iface)) check.add({ where: '--iface', value: iface, message: 'not an interface name', allowed: 'letters, digits and . _ : @ -' });
  const keep = (o.keep ?? '').split(',').filter((s) => s.trim() !== '').map((s) => check.int('--keep', s.trim(), { min: 1, max: 65535 }) ?? 0);
  check.done();
  const loaded = await rt.loadConfig(cmd);
  const [{ listenPlan }, { nftRedirectScript }, { honeypotServices }, { emulatedShell }] = await Promise.all([
    import('../../honeynet/listen-plan.js'),
    import('../../honeynet/nft-redirects.js'),
    import('../../honeynet/services/index.js'),
    import('../../honeynet/shell-adapter.js'),
  ]);
  const plan = listenPlan(loaded.config.honeynet, honeypotServices({ shell: emulatedShell() }));
  rt.print(nftRedirectScript(plan, { ...(iface ? { iface } : {}), keep }).trimEnd());
}
