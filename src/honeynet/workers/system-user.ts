import { readFileSync } from 'node:fs';
import { LnmtError } from '../../core/errors.js';

export interface SystemUser {
  name: string;
  uid: number;
  gid: number;
}

/**
 * `honeynet.user` from the passwd database (Node has no getpwnam). Only /etc/passwd is read: a sensor's service
 * account is a local system user, not one from LDAP.
 */
export function lookupSystemUser(name: string, passwd = '/etc/passwd'): SystemUser {
  let text: string;
  try {
    text = readFileSync(passwd, 'utf8');
  } catch (err) {
    throw new LnmtError('LNMT_ERR_CONFIG', `cannot read ${passwd} to look up honeynet.user`, { cause: err });
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name && f.length >= 4) return { name, uid: Number(f[2]), gid: Number(f[3]) };
  }
  throw new LnmtError('LNMT_ERR_CONFIG', `honeynet.user: there is no user "${name}" in ${passwd}`, {
    details: [{ where: 'honeynet.user', value: name, message: 'no such user', allowed: 'an existing system user (e.g. nobody, or one made with `useradd --system lnmt-honeypot`), or empty' }],
  });
}

/** True when this process may switch users (root). */
export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}
