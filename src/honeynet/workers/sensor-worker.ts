/**
 * A sensor worker process (forked by worker-pool.ts; not a CLI command). It starts the enabled service handlers
 * and serves the connections the primary hands it as socket handles. Its events go back to the primary over IPC
 * in the same per-tick batches the in-process sink publishes. It binds nothing and, when the sensor was started
 * as root with `honeynet.user`, runs as that user from its first instruction (fork sets uid/gid).
 */
import type { Socket } from 'node:net';
import type { AnyEvent } from '../../core/events.js';
import type { EventBus } from '../../core/bus/event-bus.js';
import { createLogger } from '../../core/logger.js';
import { HoneypotEventSink } from '../runtime/event-sink.js';
import type { HoneypotSession } from '../runtime/honeypot-session.js';
import type { ServiceHandler } from '../runtime/honeypot-service.js';
import { serveConnection, type ServeOptions } from '../runtime/serve-connection.js';
import { startService } from '../runtime/start-service.js';
import { listenPlan } from '../listen-plan.js';
import { honeypotServices } from '../services/index.js';
import { emulatedShell } from '../shell-adapter.js';
import { serveSettings, sharedServiceContext } from '../sensor-context.js';
import type { FromWorker, ToWorker } from './worker-protocol.js';

if (!process.send) {
  process.stderr.write('sensor-worker: this is a worker of `lnmt serve`/`lnmt sensor` (honeynet.workers), not a command\n');
  process.exit(64);
}

const send = (m: FromWorker): Promise<void> =>
  new Promise((resolve) => {
    if (!process.connected) return resolve();
    process.send!(m, undefined, {}, () => resolve());
  });

/** The bus as the worker's sink sees it: every batch goes to the primary. */
const ipcBus: Pick<EventBus, 'publish'> = { publish: (events: readonly AnyEvent[]) => send({ t: 'events', events: [...events] }) };

const handlers = new Map<string, ServiceHandler>();
const open = new Set<HoneypotSession>();
let sink: HoneypotEventSink | null = null;
let serve: Omit<ServeOptions, 'handler'> | null = null;

async function init(m: Extract<ToWorker, { t: 'init' }>): Promise<void> {
  const { config, persona, cwd } = m;
  const hn = config.honeynet;
  const logger = createLogger({ level: config.log.level }).child({ component: 'honeynet', worker: m.index });
  sink = new HoneypotEventSink({ bus: ipcBus as EventBus, sensor: config.node.name, logPath: null });
  const plan = listenPlan(hn, honeypotServices({ shell: emulatedShell() }));
  const shared = sharedServiceContext({ config, cwd, persona, sink, logger, now: Date.now });
  for (const [key, { service, settings }] of plan.services) handlers.set(key, await startService(service, settings, shared, m.prepared[key]));
  serve = { ...serveSettings(hn), sink };
  await send({ t: 'ready', services: [...handlers.keys()] });
}

function connection(m: Extract<ToWorker, { t: 'conn' }>, socket: Socket | undefined): void {
  if (!socket) {
    void send({ t: 'closed', id: m.id }); // nothing to serve: give the admission back
    return;
  }
  socket.on('error', () => {});
  const handler = handlers.get(m.service);
  if (!handler || !serve) {
    socket.destroy();
    void send({ t: 'closed', id: m.id });
    return;
  }
  const session = serveConnection(socket, m.ref, { ...serve, handler }, () => void send({ t: 'closed', id: m.id }), m.id);
  if (session.isClosed) return;
  open.add(session);
  session.onClose(() => open.delete(session));
}

async function stop(): Promise<void> {
  for (const s of [...open]) s.close('sensor stopping');
  for (const h of handlers.values()) await h.stop().catch(() => {});
  await sink?.close();
  await send({ t: 'stopped' });
  process.disconnect();
}

process.on('message', (m: ToWorker, handle: unknown) => {
  if (m.t === 'conn') connection(m, handle as Socket | undefined);
  else if (m.t === 'init') init(m).catch((err: Error) => void send({ t: 'failed', error: err.message }).then(() => process.exit(1)));
  else if (m.t === 'stop') void stop().then(() => process.exit(0));
});
// The primary went away (crashed or killed): nobody is left to log our events or release admissions.
process.on('disconnect', () => process.exit(0));
// Ctrl-C in a terminal reaches the whole process group; the primary decides when workers stop.
process.on('SIGINT', () => {});
