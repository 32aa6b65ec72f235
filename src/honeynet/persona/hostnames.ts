import type { Dice } from './random-source.js';

// Words real server names are made of. Combined at random into several naming schemes, so no hostname is a
// default shared by installs (Cowrie's fixed `svr04` is a known fingerprint).
const ROLES = [
  'web', 'www', 'db', 'mysql', 'pg', 'sql', 'app', 'api', 'fs', 'files', 'nas', 'backup', 'bkp', 'mail', 'mx',
  'smtp', 'vpn', 'proxy', 'lb', 'git', 'ci', 'build', 'jump', 'bastion', 'mon', 'monitor', 'log', 'logs', 'dev',
  'docker', 'node', 'worker', 'dns', 'ns', 'ldap', 'auth', 'cache', 'redis', 'elastic', 'kafka', 'nfs', 'ftp',
  'erp', 'crm', 'wiki', 'cloud', 'gitlab', 'jenkins', 'grafana', 'vault', 'repo', 'mirror', 'print', 'intranet',
] as const;
const ENVS = ['prod', 'prd', 'stg', 'stage', 'dev', 'test', 'qa', 'int', 'live'] as const;
const SITES = [
  'fra', 'ams', 'lon', 'par', 'ber', 'muc', 'ham', 'vie', 'zrh', 'waw', 'prg', 'hel', 'sto', 'cph', 'osl', 'mad',
  'mil', 'dub', 'nyc', 'sfo', 'chi', 'dal', 'sea', 'tor', 'sgp', 'syd', 'tyo', 'dc1', 'dc2', 'dc3', 'eu1', 'eu2',
  'us1', 'fsn1', 'nbg1', 'hel1',
] as const;
const DOMAIN_HEADS = ['north', 'blue', 'green', 'silver', 'iron', 'red', 'oak', 'stone', 'river', 'lake', 'sun', 'star', 'alpen', 'nord', 'west', 'east', 'bright', 'clear', 'swift', 'delta', 'nova', 'terra', 'meridian', 'harbor'] as const;
const DOMAIN_TAILS = ['line', 'works', 'soft', 'data', 'net', 'tech', 'labs', 'field', 'gate', 'point', 'cloud', 'systems', 'logic', 'hub', 'forge', 'bridge', 'ware', 'trade', 'media', 'group'] as const;

function num(dice: Dice, pad: boolean): string {
  const n = dice.weighted([[dice.int(1, 4), 6], [dice.int(5, 12), 3], [dice.int(13, 40), 1]] as const);
  return pad ? String(n).padStart(2, '0') : String(n);
}

/** e.g. `web-02`, `db-prod-1`, `fs01`, `app3-fra`, `srv-backup`, `fra-mail01`, `pg-stg-03`. */
export function generateHostname(dice: Dice): string {
  const role = dice.pick(ROLES);
  const padded = dice.chance(0.6);
  const scheme = dice.weighted([
    ['role-num', 5],
    ['rolenum', 4],
    ['role-env-num', 3],
    ['rolenum-site', 2],
    ['site-rolenum', 2],
    ['srv-role', 1],
    ['role-env', 1],
  ] as const);
  switch (scheme) {
    case 'role-num': return `${role}-${num(dice, padded)}`;
    case 'rolenum': return `${role}${num(dice, padded)}`;
    case 'role-env-num': return `${role}-${dice.pick(ENVS)}-${num(dice, padded)}`;
    case 'rolenum-site': return `${role}${num(dice, padded)}-${dice.pick(SITES)}`;
    case 'site-rolenum': return `${dice.pick(SITES)}-${role}${num(dice, padded)}`;
    case 'srv-role': return `${dice.pick(['srv', 'vm', 'host'] as const)}-${role}${dice.chance(0.5) ? num(dice, padded) : ''}`;
    case 'role-env': return `${role}-${dice.pick(ENVS)}`;
  }
}

/** Empty for about a third of machines (no DNS domain), else an internal-looking company domain. */
export function generateDomain(dice: Dice): string {
  if (dice.chance(0.35)) return '';
  const company = `${dice.pick(DOMAIN_HEADS)}${dice.pick(DOMAIN_TAILS)}`;
  return dice.weighted([
    [`${company}.lan`, 2],
    [`${company}.internal`, 2],
    [`${company}.local`, 1],
    [`int.${company}.${dice.pick(['com', 'de', 'net', 'io', 'eu', 'co.uk', 'fr', 'nl'] as const)}`, 2],
    [`${dice.pick(['corp', 'office', 'infra'] as const)}.${company}.${dice.pick(['com', 'de', 'net'] as const)}`, 1],
  ] as const);
}
