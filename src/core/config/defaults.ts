import { hostname } from 'node:os';
import type { LnmtConfig } from './schema.js';
import { honeynetDefaults } from './sections/honeynet.js';
import { monitorDefaults } from './sections/monitor.js';
import { notifyDefaults } from './sections/notify.js';
import { schedulerDefaults } from './sections/scheduler.js';

/** Defaults: the embedded all-in-one mode (`npm start`). */
export function defaultConfig(): LnmtConfig {
  return {
    node: { name: sanitizeNodeName(hostname()) },
    dataDir: './lnmt-data',
    log: { level: 'info' },
    store: {
      driver: 'sqlite',
      sqlite: { file: 'lnmt.db', cacheSizeMb: 64, mmapSizeMb: 256, busyTimeoutMs: 5000 },
      postgres: { url: 'postgres://127.0.0.1:5432/lnmt', poolSize: 10 },
      batch: { maxSize: 2000, maxDelayMs: 20 },
    },
    api: {
      host: '127.0.0.1',
      port: 8088,
      trustProxy: false,
      rateLimit: { max: 600000, windowMs: 60000 },
      compressThreshold: 1024,
    },
    scanner: {
      tcpPorts: [22, 80, 443, 445, 139, 3389, 8080, 53, 8443, 5000],
      icmp: 'auto',
      neighbours: true,
      reverseDns: true,
      dnsServers: [],
      dnsTimeoutMs: 1000,
      timeoutMs: 1500,
      minTimeoutMs: 75,
      retries: 1,
      concurrency: 256,
      maxSockets: 2048,
      maxPendingNeighbours: 120,
      packetsPerSecond: 20000,
      cacheTtlSec: 300,
      maxAddresses: 65536,
    },
    monitor: monitorDefaults(),
    scheduler: schedulerDefaults(),
    notify: notifyDefaults(),
    honeynet: honeynetDefaults(),
  };
}

function sanitizeNodeName(h: string): string {
  const s = h.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 64);
  return s.length > 0 ? s : 'lnmt';
}
