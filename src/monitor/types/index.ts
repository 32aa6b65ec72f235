import { LnmtError } from '../../core/errors.js';
import type { CheckType } from '../check-type.js';
import { dnsCheck } from './dns.js';
import { httpCheck } from './http.js';
import { icmpCheck } from './icmp.js';
import { presenceCheck } from './presence.js';
import { tcpCheck } from './tcp.js';

/** Every check type, by name: one module each. A new type is one file here and one line below. */
export const CHECK_TYPES: ReadonlyMap<string, CheckType> = new Map<string, CheckType>(
  [icmpCheck, tcpCheck, httpCheck, dnsCheck, presenceCheck].map((t) => [t.type, t]),
);

/** The type called `name`, or a validation error listing the known ones (`where: 'type'`). */
export function getCheckType(name: string): CheckType {
  const type = CHECK_TYPES.get(name);
  if (type) return type;
  const allowed = [...CHECK_TYPES.keys()].join(', ');
  throw new LnmtError('LNMT_ERR_VALIDATION', `unknown check type ${JSON.stringify(name)}; known types: ${allowed}`, {
    details: [{ where: 'type', value: name, allowed, message: 'unknown check type' }],
  });
}
