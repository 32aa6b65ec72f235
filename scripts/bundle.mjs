// Bundles the CLI into dist/bundle/ with esbuild (code-split, so `lnmt --help` loads only what it needs).
// Why: on this class of machine, resolving and reading hundreds of small ESM files (typebox, kysely) costs
// ~0.4 s per command; one bundle cuts `lnmt scan` start-up from ~0.6 s to ~0.25 s. Native modules and the
// 5 MB OUI table stay external (loaded with require at run time). tsc still type-checks and emits dist/.
import { build } from 'esbuild';

await build({
  // The sensor's worker processes are forked from their own entry (src/honeynet/workers/worker-pool.ts finds it).
  entryPoints: { main: 'src/cli/main.ts', 'sensor-worker': 'src/honeynet/workers/sensor-worker.ts' },
  outdir: 'dist/bundle', // two levels below package.json, like dist/cli/main.js, so relative URLs still work
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  external: ['better-sqlite3', 'raw-socket', 'pg-native', 'oui-data', 'ssh2', 'cpu-features'],
  banner: { js: "import { createRequire as __lnmtCreateRequire } from 'node:module'; const require = __lnmtCreateRequire(import.meta.url);" },
  logLevel: 'warning',
});
