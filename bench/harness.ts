/**
 * Shared helpers for `npm run bench -- <name>`: machine facts, a plain-text table on stdout, and the JSON
 * result file `bench/results/<name>.json` (machine info, timestamp, figures) that docs/benchmarks.md quotes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** What a benchmark module exports; `bench/run.ts` calls `run` with the arguments after the name. */
export interface BenchModule {
  run(args: string[]): Promise<void>;
}

export interface MachineInfo {
  node: string;
  platform: string;
  arch: string;
  cpus: number;
  cpuModel: string;
  memoryBytes: number;
  freeMemoryBytes: number;
}

export function machineInfo(): MachineInfo {
  const c = cpus();
  return {
    node: process.version,
    platform: process.platform,
    arch: process.arch,
    cpus: c.length,
    cpuModel: c[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    freeMemoryBytes: freemem(),
  };
}

export const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'results');

/** Writes `bench/results/<name>.json` and returns its path. */
export function writeResult(name: string, figures: Record<string, unknown>): string {
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${name}.json`);
  writeFileSync(file, `${JSON.stringify({ name, timestamp: new Date().toISOString(), machine: machineInfo(), ...figures }, null, 2)}\n`);
  return file;
}

export type Cell = string | number | null | undefined;

/** Prints rows as an aligned text table (numbers right-aligned); no colours, so it pastes into Markdown notes. */
export function printTable(rows: Array<Record<string, Cell>>, columns?: string[]): void {
  if (rows.length === 0) return;
  const cols = columns ?? Object.keys(rows[0]!);
  const text = (v: Cell) => (v === null || v === undefined ? '-' : typeof v === 'number' ? formatNumber(v) : v);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => text(r[c]).length)));
  const line = (cells: string[], numeric: boolean[]) => cells.map((s, i) => (numeric[i] ? s.padStart(widths[i]!) : s.padEnd(widths[i]!))).join('  ').trimEnd();
  process.stdout.write(`${line(cols, cols.map(() => false))}\n`);
  process.stdout.write(`${widths.map((w) => '-'.repeat(w)).join('  ')}\n`);
  for (const r of rows) process.stdout.write(`${line(cols.map((c) => text(r[c])), cols.map((c) => typeof r[c] === 'number'))}\n`);
}

/** 12345.678 → "12,346"; 3.14159 → "3.14"; 0.01234 → "0.0123". */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const abs = Math.abs(n);
  const digits = abs >= 100 ? 0 : abs >= 1 ? 2 : 3;
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0, ...(abs < 1 && abs > 0 ? { maximumSignificantDigits: 3 } : {}) });
}

/** "×260" style ratio of ours to a reference figure, oriented so that bigger is better. */
export function ratio(ours: number, reference: number, higherIsBetter = true): string {
  if (!(ours > 0) || !(reference > 0)) return '-';
  const r = higherIsBetter ? ours / reference : reference / ours;
  return `x${formatNumber(r)}`;
}

/** `--name=value` / `--name value` flags, then `BENCH_<NAME>` environment variables, then the default. */
export function option(args: string[], name: string, fallback: number): number;
export function option(args: string[], name: string, fallback: string): string;
export function option(args: string[], name: string, fallback: number | string): number | string {
  let raw: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === `--${name}`) raw = args[i + 1];
    else if (a.startsWith(`--${name}=`)) raw = a.slice(name.length + 3);
  }
  raw ??= process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`];
  if (raw === undefined || raw === '') return fallback;
  if (typeof fallback === 'number') {
    const n = Number(raw);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: expected a positive number, got "${raw}"`);
    return n;
  }
  return raw;
}

export function flag(args: string[], name: string): boolean {
  return args.includes(`--${name}`) || /^(1|true|yes)$/i.test(process.env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? '');
}
