#!/usr/bin/env node
// Thin launcher. `npm ci` (prepare) or `npm run build` compiles the CLI into dist/: the esbuild bundle
// (fast start-up) and tsc's per-file output (fallback).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const candidates = ['../dist/bundle/main.js', '../dist/cli/main.js'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
const main = candidates.find((p) => existsSync(p));
if (!main) {
  process.stderr.write('lnmt: dist/ is missing; run `npm run build` (npm ci does this for you)\n');
  process.exit(70);
}
const { runCli } = await import(main);
process.exitCode = await runCli(process.argv);
