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

/**
 * What the schema cannot see but `serve` would refuse at start-up: response durations and allowlist entries
 * (`responseSettings`), the GeoIP/ASN files, and the threat rules file (read and parsed as the pipeline will). Throws
 * LNMT_ERR_CONFIG listing every problem with its key (and file:line for the rules).
 */
async function checkSections(config: LoadedConfig['config']): Promise<void> {
  const { responseSettings } = await import('../../response/response-settings.js');
  responseSettings(config.response);
  const { threatConfig } = await import('../../core/config/sections/threat.js');
  const threat = threatConfig(config.threat);
  if (threat.geoip.files.length) {
    const { loadGeoLookup } = await import('../../threat/geo/ip2asn-loader.js');
    await loadGeoLookup(threat.geoip.files.map((f) => resolve(f)));
  }
  const file = threat.rulesFile;
  if (!file) return;
  const { RulesSource } = await import('../../threat/rules/rules-source.js');
  const { RulesFileError } = await import('../../threat/rules/rules-file.js');
  const { LnmtError } = await import('../../core/errors.js');
  const { silentLogger } = await import('../../core/logger.js');
  try {
    await new RulesSource(resolve(file), silentLogger()).load();
  } catch (err) {
    if (!(err instanceof RulesFileError)) throw err;
    const details = err.problems.map((p) => ({ where: `threat.rulesFile ${p.file}${p.line ? `:${p.line}` : ''} ${p.key}`, message: p.message }));
    throw new LnmtError('LNMT_ERR_CONFIG', `invalid threat rules file ${file} (${details.length} problem${details.length > 1 ? 's' : ''})`, { details });
  }
}

async function check(rt: CliRuntime, cmd: CommandUnknownOpts, o: { json?: boolean }): Promise<void> {
  const loaded = await rt.loadConfig(cmd); // throws LNMT_ERR_CONFIG (exit 2) when invalid
  await checkSections(loaded.config);
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
  // Sections whose defaults live with their code are shown filled in, as `serve` will run them.
  const { threatConfig } = await import('../../core/config/sections/threat.js');
  const { effectiveResponseConfig } = await import('../../response/response-settings.js');
  const masked = maskSecrets({ ...loaded.config, threat: threatConfig(loaded.config.threat), response: effectiveResponseConfig(loaded.config.response) });
  if (o.json) return rt.json(masked);
  // yaml is CommonJS: Node gives named exports, a bundler's split chunk may give only `default`.
  const yaml = (await import('yaml')) as typeof import('yaml') & { default?: typeof import('yaml') };
  const stringify = yaml.stringify ?? yaml.default!.stringify;
  const header = `# effective LNMT configuration (file: ${loaded.file ?? 'none'}); secrets are masked\n`;
  rt.io.stdout.write(header + stringify(masked, { lineWidth: 0 }));
}
