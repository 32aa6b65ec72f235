import type { HoneypotService } from '../runtime/honeypot-service.js';
import type { ShellFactory } from '../runtime/shell-like.js';
import { ftpService } from './ftp/ftp-service.js';
import { httpService, httpsService } from './http/http-service.js';
import { mssqlService } from './mssql/mssql-service.js';
import { mysqlService } from './mysql/mysql-service.js';
import { postgresService } from './postgres/postgres-service.js';
import { rdpService } from './rdp/rdp-service.js';
import { redisService } from './redis/redis-service.js';
import { smbService } from './smb/smb-service.js';
import { smtpService } from './smtp/smtp-service.js';
import { sshService } from './ssh/ssh-service.js';
import { telnetService } from './telnet/telnet-service.js';
import { vncService } from './vnc/vnc-service.js';

/** What the services are built with (passed in, so tests can swap the shell). */
export interface ServiceDeps {
  shell: ShellFactory;
}

/**
 * The registry of honeypot services: one module per protocol. A new service is one folder under `services/`,
 * one line here, and its settings under `honeynet.services.<name>` in the config schema.
 */
export function honeypotServices(deps: ServiceDeps): ReadonlyMap<string, HoneypotService> {
  return new Map([sshService({ shell: deps.shell }), telnetService({ shell: deps.shell }), ftpService(), smtpService(), httpService(), httpsService(), vncService(), redisService(), mysqlService(), postgresService(), smbService(), rdpService(), mssqlService()].map((s) => [s.name, s]));
}
