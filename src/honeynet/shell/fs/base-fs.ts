import type { Persona } from '../../persona/persona.js';
import { machineOf, type Machine } from '../system/machine.js';
import { addBinaries, type BinarySpec } from './base/binaries.js';
import { addEtc } from './base/etc-files.js';
import { addHomes } from './base/home-files.js';
import { addProc } from './base/proc-files.js';
import { addSystemDirs, addVar } from './base/var-files.js';
import type { DirNode } from './fs-node.js';
import { TreeBuilder } from './tree-builder.js';

/**
 * The immutable filesystem of one persona, shared by every session of a sensor (each session layers its own
 * copy-on-write overlay on it). Build it once per persona: it takes a few milliseconds.
 */
export interface BaseFs {
  readonly machine: Machine;
  readonly root: DirNode;
  /** Registry commands by the absolute path of their binary. */
  readonly binaries: ReadonlyMap<string, string>;
}

export function buildBaseFs(persona: Persona, binaries: readonly BinarySpec[]): BaseFs {
  const machine = machineOf(persona);
  const b = new TreeBuilder(machine.installTime);
  addBinaries(b, machine, binaries);
  addEtc(b, machine);
  addSystemDirs(b, machine);
  addVar(b, machine);
  addHomes(b, machine);
  addProc(b, machine);
  return { machine, root: b.root, binaries: new Map(binaries.map((bin) => [bin.path, bin.command])) };
}
