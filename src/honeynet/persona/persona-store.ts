import { randomBytes } from 'node:crypto';
import { link, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import ssh2 from 'ssh2';
import { LnmtError, type ErrorDetail } from '../../core/errors.js';
import { schemaErrorDetails } from '../../core/schema-errors.js';
import { generatePersona, type GeneratePersonaOptions, type PersonaOverrides } from './generate-persona.js';
import type { Persona } from './persona.js';
import { PersonaSchema } from './persona-schema.js';
import { generatePersonaTls } from './persona-tls.js';

/** Where the persona of a data directory lives. */
export function personaFile(dataDir: string): string {
  return join(dataDir, 'honeynet', 'persona.json');
}

/**
 * The sensor's persona: read from `<dataDir>/honeynet/persona.json`, or generated and written there on first
 * start. An unreadable, corrupt or invalid file is an LNMT_ERR_CONFIG error naming the file and the bad fields;
 * it is never replaced behind the user's back, because a persona that changes is itself a honeypot tell.
 *
 * `hostname` and `domain` overrides apply on top of a stored persona (config wins, the file keeps its own); an
 * OS `family`/`versionId` override that contradicts the stored persona is an error, since its kernel, SSH
 * version and keys belong together.
 */
export async function loadOrCreatePersona(dataDir: string, opts: GeneratePersonaOptions = {}): Promise<Persona> {
  const file = personaFile(dataDir);
  const stored = await readPersona(file);
  if (stored) return applyOverrides(stored.tls ? stored : await addTls(file, stored), opts, file);
  const created = generatePersona(opts);
  const winner = await writeIfAbsent(file, created);
  return winner === created ? created : applyOverrides(winner, opts, file);
}

/** The persona in `file`, or null if there is none. Throws LnmtError if the file exists but is not valid. */
export async function readPersona(file: string): Promise<Persona | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new LnmtError('LNMT_ERR_CONFIG', `cannot read the honeypot persona file ${file}`, { cause: err, details: [{ where: file, message: (err as Error).message }] });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw invalid(file, [{ where: file, message: `not valid JSON: ${(err as Error).message}` }], err);
  }
  const details = schemaErrorDetails(PersonaSchema, data, (path) => `${file}: ${path || '(top level)'}`);
  if (details.length === 0) details.push(...hostKeyProblems(file, data as Persona));
  if (details.length > 0) throw invalid(file, details);
  return data as Persona;
}

function invalid(file: string, details: ErrorDetail[], cause?: unknown): LnmtError {
  const n = details.length;
  return new LnmtError(
    'LNMT_ERR_CONFIG',
    `honeypot persona file ${file} is invalid (${n} problem${n > 1 ? 's' : ''}): fix it, or move it away to generate a new persona (new host keys: returning attackers will notice)`,
    { details, ...(cause === undefined ? {} : { cause }) },
  );
}

const KEY_TYPES = { ed25519: 'ssh-ed25519', ecdsa: 'ecdsa-sha2-nistp256', rsa: 'ssh-rsa' } as const;

/** Each host key must parse with ssh2 (the library that serves it) and be of the type its slot names. */
function hostKeyProblems(file: string, persona: Persona): ErrorDetail[] {
  const out: ErrorDetail[] = [];
  for (const [slot, type] of Object.entries(KEY_TYPES) as Array<[keyof typeof KEY_TYPES, string]>) {
    const parsed = ssh2.utils.parseKey(persona.hostKeys[slot]);
    const key = Array.isArray(parsed) ? parsed[0] : parsed;
    const where = `${file}: hostKeys.${slot}`;
    if (key instanceof Error || !key) out.push({ where, message: `not a usable private key${key instanceof Error ? `: ${key.message}` : ''}`, allowed: `an unencrypted OpenSSH ${type} private key` });
    else if (key.type !== type) out.push({ where, value: key.type, message: 'wrong key type', allowed: type });
  }
  return out;
}

function applyOverrides(persona: Persona, overrides: PersonaOverrides, file: string): Persona {
  const details: ErrorDetail[] = [];
  if (overrides.family !== undefined && overrides.family !== persona.os.id) {
    details.push({ where: 'honeynet persona family', value: overrides.family, message: `the stored persona in ${file} is ${persona.os.id}`, allowed: persona.os.id });
  }
  if (overrides.versionId !== undefined && overrides.versionId !== persona.os.versionId) {
    details.push({ where: 'honeynet persona versionId', value: overrides.versionId, message: `the stored persona in ${file} is ${persona.os.versionId}`, allowed: persona.os.versionId });
  }
  if (details.length > 0) {
    throw new LnmtError('LNMT_ERR_CONFIG', `the configured OS does not match the stored honeypot persona; move ${file} away to generate a new one`, { details });
  }
  return {
    ...persona,
    hostname: overrides.hostname ?? persona.hostname,
    domain: overrides.domain ?? persona.domain,
  };
}

/**
 * Writes `persona` to `file` unless a file is already there, atomically: the JSON goes to a private temporary
 * file (mode 0600: it holds private keys), is flushed, then hard-linked to the final name. Unlike rename, link
 * fails if the name exists, so when several workers start at once exactly one persona wins and all of them
 * return it. Returns the persona now in the file.
 */
async function writeIfAbsent(file: string, persona: Persona): Promise<Persona> {
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = await writePrivateTemp(file, persona);
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new LnmtError('LNMT_ERR_CONFIG', `cannot write the honeypot persona file ${file}`, { cause: err, details: [{ where: file, message: (err as Error).message }] });
    const existing = await readPersona(file);
    if (!existing) throw new LnmtError('LNMT_ERR_INTERNAL', `persona file ${file} vanished while another process created it`, { cause: err });
    return existing;
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  await syncDir(dirname(file));
  return persona;
}

/**
 * Persona files written before personas had TLS certificates get them once, in place (temporary file, fsync,
 * rename): everything else in the file stays as it was, so returning attackers see the same machine.
 */
async function addTls(file: string, persona: Persona): Promise<Persona> {
  const upgraded: Persona = { ...persona, tls: generatePersonaTls(persona) };
  const tmp = await writePrivateTemp(file, upgraded);
  try {
    await rename(tmp, file);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw new LnmtError('LNMT_ERR_CONFIG', `cannot add TLS certificates to the honeypot persona file ${file}`, { cause: err, details: [{ where: file, message: (err as Error).message }] });
  }
  await syncDir(dirname(file));
  return upgraded;
}

/** The persona as JSON in a new private (0600: it holds private keys) temporary file next to `file`, flushed. */
async function writePrivateTemp(file: string, persona: Persona): Promise<string> {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(persona, null, 2)}\n`, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  return tmp;
}

/** Makes the new directory entry durable (a crash right after start must not lose the persona). */
async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
