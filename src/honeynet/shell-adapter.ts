import type { Persona } from './persona/persona.js';
import type { ShellFactory } from './runtime/shell-like.js';
import { createBaseFs, createShellSession } from './shell/session.js';
import type { BaseFs } from './shell/fs/base-fs.js';

/**
 * The emulated shell as the services see it: one immutable base filesystem per persona (built on first use),
 * a session (copy-on-write overlay, history, environment) per login, and every input line reported as a
 * `honeypot.command` — `known: false` when a command in it was not found, as Cowrie's `command.failed`.
 */
export function emulatedShell(): ShellFactory {
  const bases = new Map<string, BaseFs>();
  const baseFor = (p: Persona) => {
    let b = bases.get(p.id);
    if (!b) bases.set(p.id, (b = createBaseFs(p)));
    return b;
  };
  return (opts) => {
    let allKnown = true;
    const shell = createShellSession({
      base: baseFor(opts.persona),
      user: opts.username,
      clientIp: opts.session.ref.src_ip,
      clientPort: opts.session.ref.src_port,
      protocol: opts.session.ref.service === 'telnet' ? 'telnet' : 'ssh',
      tty: opts.tty,
      env: { TERM: opts.term },
      pty: true,
      hooks: {
        onCommand: (_command, info) => {
          if (!info.known) allKnown = false;
        },
      },
    });
    opts.session.onClose(() => shell.close());
    return {
      prompt: () => shell.prompt(),
      banner: () => shell.banner(),
      async execute(line) {
        allKnown = true;
        const r = shell.execute(line);
        if (line.trim()) opts.session.emit('honeypot.command', { input: line.slice(0, 4096), known: allKnown, username: opts.username });
        return { output: r.output, exit: r.exit };
      },
    };
  };
}
