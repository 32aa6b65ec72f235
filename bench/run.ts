/**
 * `npm run bench -- <name> [options]` → runs `bench/<name>.ts` (its exported `run(args)`).
 * Without a name, lists the benchmarks. Results are printed and written to `bench/results/<name>.json`.
 */
import { readdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatError, isLnmtError } from '../src/core/errors.js';
import type { BenchModule } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url));
const NOT_BENCHMARKS = new Set(['run', 'harness']);

function available(): string[] {
  return readdirSync(here)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => f.slice(0, -3))
    .filter((n) => !NOT_BENCHMARKS.has(n) && !n.startsWith('_'))
    .sort();
}

const [name, ...args] = process.argv.slice(2);
const names = available();
if (!name || name === '--help' || name === '-h') {
  process.stdout.write(`usage: npm run bench -- <name> [options]\n\nbenchmarks:\n${names.map((n) => `  ${n}`).join('\n')}\n`);
  process.exit(0);
}
if (!names.includes(name)) {
  process.stderr.write(`bench: unknown benchmark "${name}"; available: ${names.join(', ')}\n`);
  process.exit(2);
}
const mod = (await import(pathToFileURL(`${here}/${name}.ts`).href)) as Partial<BenchModule> & { default?: BenchModule['run'] };
const run = mod.run ?? mod.default;
if (typeof run !== 'function') {
  process.stderr.write(`bench: bench/${name}.ts exports no run(args) function\n`);
  process.exit(2);
}
try {
  await run(args);
} catch (err) {
  process.stderr.write(`bench ${name} failed: ${isLnmtError(err) ? formatError(err) : ((err as Error).stack ?? String(err))}\n`);
  process.exitCode = 1;
}
