import { createHash } from 'node:crypto';
import type { Persona } from './persona.js';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/**
 * The computer name a Windows service of this persona claims: `WIN-` and eleven letters and digits, the shape
 * Windows Server setup gives a machine nobody renamed. Derived from the persona (stable across restarts, different
 * on every install) rather than stored, so old persona files get the same name as new ones.
 */
export function windowsComputerName(p: Pick<Persona, 'id' | 'machineId'>): string {
  const h = createHash('sha256').update(`windows-name:${p.id}:${p.machineId}`).digest();
  let out = 'WIN-';
  for (let i = 0; i < 11; i++) out += ALPHABET[h[i]! % ALPHABET.length];
  return out;
}
