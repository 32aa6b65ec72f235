#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write('lnmt: dist/ is missing; run `npm run build` (npm ci does this for you)\n');
  process.exit(70);
}
const { runCli } = await import(main);
process.exitCode = await runCli(process.argv);
