import { createBaseFs, createShellSession, type ShellHooks, type ShellLimits, type ShellSession } from '../../../src/honeynet/shell/index.js';
import type { BaseFs } from '../../../src/honeynet/shell/fs/base-fs.js';
import type { Persona } from '../../../src/honeynet/persona/persona.js';
import { debianPersona, TEST_NOW } from '../fixtures/shell-personas.js';

const bases = new Map<Persona, BaseFs>();

/** The base tree of a persona, built once per test process (as a sensor does). */
export function baseOf(persona: Persona = debianPersona): BaseFs {
  let base = bases.get(persona);
  if (!base) {
    base = createBaseFs(persona);
    bases.set(persona, base);
  }
  return base;
}

export interface TestShell {
  session: ShellSession;
  /** Runs a line and returns its output. */
  run(line: string): string;
  status(): number;
  clock: { now: number };
}

export function shell(opts: { persona?: Persona; user?: string; hooks?: ShellHooks; limits?: Partial<ShellLimits>; protocol?: 'ssh' | 'telnet' } = {}): TestShell {
  const clock = { now: TEST_NOW };
  const session = createShellSession({
    base: baseOf(opts.persona),
    user: opts.user ?? 'root',
    clientIp: '203.0.113.9',
    clientPort: 51234,
    clock: () => clock.now,
    shellPid: 4242,
    hooks: opts.hooks ?? {},
    limits: opts.limits ?? {},
    protocol: opts.protocol ?? 'ssh',
  });
  let last = 0;
  return {
    session,
    run(line) {
      const r = session.execute(line);
      last = r.status;
      return r.output;
    },
    status: () => last,
    clock,
  };
}
