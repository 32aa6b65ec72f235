import { resolve } from 'node:path';
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import type { LoadedConfig } from '../../core/config/load-config.js';
import type { CliRuntime, CommandGroup } from '../runtime.js';

/** `lnmt config check|show`: validate the configuration, or print the effective one with secrets masked. */
export const configCommands: CommandGroup = {
  name: 'config',
  register(program, rt) {
    const config = program.command('config').description('check or show the effective configuration (file + LNMT_* env + flags)');

    config
      .command('check')
      .description('validate the configuration; exit 2 listing every problem (key, value, what is allowed)')
      .option('--json', 'print {ok, file, env, flags, sources} as JSON')
      .action(async (opts, cmd) => check(rt, cmd as unknown as CommandUnknownOpts, opts));

    config
      .command('show')
      .description('print the effective configuration as YAML (secrets masked)')
      .option('--json', 'print it as JSON instead')
      .action(async (opts, cmd) => show(rt, cmd as unknown as CommandUnknownOpts, opts));
  },
};

function origins(loaded: LoadedConfig): { env: string[]; flags: string[] } {
  const env = new Set<string>();
  const flags = new Set<string>();
  for (const src of Object.values(loaded.sources)) {
    if (src.startsWith('env ')) env.add(src.slice(4));
    else if (src.startsWith('flag ')) flags.add(src.slice(5));
  }
  return { env: [...env].sort(), flags: [...flags].sort() };
}

async function check(rt: CliRuntime, cmd: CommandUnknownOpts, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd); // throws LNMT_ERR_CONFIG (exit 2) when invalid
  const { env, flags } = origins(loaded);
  if (o.json) {
    rt.json({ ok: true, file: loaded.file, env, flags, sources: loaded.sources, data_dir: resolve(rt.io.cwd, loaded.config.dataDir) });
    return;
  }
  rt.print(`${rt.c.green('OK')}: configuration is valid`);
  rt.print(`file:     ${loaded.file ?? 'none (defaults; no --config, LNMT_CONFIG or ./lnmt.yaml)'}`);
  rt.print(`env:      ${env.length > 0 ? env.join(', ') : 'none'}`);
  rt.print(`flags:    ${flags.length > 0 ? flags.join(', ') : 'none'}`);
  rt.print(`data dir: ${resolve(rt.io.cwd, loaded.config.dataDir)}`);
}

async function show(rt: CliRuntime, cmd: CommandUnknownOpts, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd);
  const { maskSecrets } = await import('../../core/config/load-config.js');
  const masked = maskSecrets(loaded.config);
  if (o.json) return rt.json(masked);
  // yaml is CommonJS: Node gives named exports, a bundler's split chunk may give only `default`.
  const yaml = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
  const stringify = yaml.stringify ?? yaml.default!.stringify;
  const header = `# effective LNMT configuration (file: ${loaded.file ?? 'none'}); secrets are masked\n`;
  rt.io.stdout.write(header + stringify(masked, { lineWidth: 0 }));
}
