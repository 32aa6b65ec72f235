import { generateHostKeys, type HostKeyOptions } from './host-keys.js';
import { generateDomain, generateHostname } from './hostnames.js';
import { generateMachine } from './machine.js';
import { pickOsRelease } from './os-releases.js';
import type { Persona, PersonaTls } from './persona.js';
import { generatePersonaTls } from './persona-tls.js';
import { cryptoRandom, Dice, seededRandom, type RandomSource } from './random-source.js';
import { generateUsers } from './users.js';

/** Fixed choices from config (`honeynet.persona.*`); everything not given is generated. */
export interface PersonaOverrides {
  hostname?: string;
  domain?: string;
  family?: 'debian' | 'ubuntu';
  /** With `family: 'ubuntu'`: `22.04` or `24.04`. */
  versionId?: string;
}

export interface GeneratePersonaOptions extends PersonaOverrides {
  /** A number seeds the test generator; a function is used as is. Default: the OS CSPRNG. */
  random?: RandomSource | number;
  /** "Now" (epoch ms): createdAt, and the latest the machine can have booted. */
  now?: number;
  /** Host key generation (keys always come from the CSPRNG, never from `random`). */
  hostKeys?: HostKeyOptions | ((hostname: string) => Persona['hostKeys']);
  /** TLS certificates (persona-tls.ts): made fresh by default; a function supplies them; false leaves them out. */
  tls?: false | ((persona: Persona) => PersonaTls);
}

const DAY_MS = 86_400_000;

/**
 * A new persona: a plausible Debian 12 or Ubuntu LTS VM whose hostname, users, machine id, addresses, uptime and
 * keys are drawn at random, and whose OS, kernel and SSH version come from one real patch level (see
 * os-releases.ts). Nothing in it is a constant shared by installs except the facts of the real product.
 */
export function generatePersona(opts: GeneratePersonaOptions = {}): Persona {
  const random = typeof opts.random === 'number' ? seededRandom(opts.random) : (opts.random ?? cryptoRandom());
  const dice = new Dice(random);
  const now = opts.now ?? Date.now();

  // Uptime: a couple of days to several months, skewed towards weeks (log-uniform), plus a random second.
  const uptimeMs = Math.exp(Math.log(2 * DAY_MS) + random() * (Math.log(200 * DAY_MS) - Math.log(2 * DAY_MS)));
  const bootTime = Math.floor((now - uptimeMs) / 1000) * 1000 - dice.int(0, 999);
  const family = opts.family ?? dice.weighted([['debian', 5], ['ubuntu', 4]] as const);
  const release = pickOsRelease((w) => dice.weighted(w), bootTime, family, opts.versionId);

  const hostname = opts.hostname ?? generateHostname(dice);
  const { hardware, network } = generateMachine(dice);
  const hostKeys = typeof opts.hostKeys === 'function' ? opts.hostKeys(hostname) : generateHostKeys(hostname, opts.hostKeys);
  const persona: Persona = {
    version: 1,
    id: uuidV4(dice),
    createdAt: new Date(now).toISOString(),
    hostname,
    domain: opts.domain ?? generateDomain(dice),
    os: { ...release.os },
    kernel: { ...release.kernel, arch: 'x86_64' },
    ssh: { versionString: `SSH-2.0-${release.sshSoftware}` },
    hardware,
    network,
    users: generateUsers(dice, release.os.id),
    machineId: dice.hex(32),
    bootTime,
    hostKeys,
  };
  if (opts.tls === false) return persona;
  return { ...persona, tls: (opts.tls ?? generatePersonaTls)(persona) };
}

function uuidV4(dice: Dice): string {
  const h = dice.hex(32).split('');
  h[12] = '4';
  h[16] = '89ab'[dice.int(0, 3)] as string;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}
