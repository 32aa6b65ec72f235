import { LnmtError } from '../../core/errors.js';
import { netCapabilities } from './capabilities.js';
import { IcmpPinger } from './methods/icmp-pinger.js';
import { forgetNeighbours, readArpTable, readIpNeigh, type NeighbourEntry } from './methods/neighbour-table.js';
import { NeighbourTrigger } from './methods/neighbour-trigger.js';
import { probeTcp } from './methods/tcp-probe.js';
import { ReverseDns } from '../../core/reverse-dns.js';
import { RouteTable } from './routes.js';
import type { ProbeCallbacks, ProbeResult, ScannerConfig } from './scan-types.js';

/** Addresses to probe, consumed lazily (a forced /8 is never held in memory), and how many there are. */
export interface AddressSource {
  next(): string | undefined;
  total: number;
  /** Any IPv6 address among them (the IPv6 neighbour table is read only then). */
  hasIpv6: boolean;
}

export interface DiscoverOptions extends ProbeCallbacks {
  signal?: AbortSignal;
  /** Injected for tests; defaults to the real routing table and capabilities. */
  routes?: RouteTable;
  capabilities?: { raw: boolean; admin: boolean };
  /** A resolver shared across scans, so its cache outlives one scan. */
  reverseDns?: ReverseDns;
}

interface Host {
  ip: string;
  /** On-link interface (ARP/NDP resolves it), or null when routed. */
  iface: string | null;
  firstSent: number;
  lastSent: number;
  attempt: number;
  /** Ports not yet tried, in configured order. */
  ports: number[];
  cancels: Set<() => void>;
  /** A neighbour entry existed before we probed and could not be cleared: it proves nothing. */
  untrustedNeighbour: boolean;
}

const TICK_MS = 10;
const NEIGH_POLL_MS = 10;
const RTT_WINDOW = 256;
/** Ports tried at once when a host starts; the rest follow after STAGE2_MS if it is still silent. */
const FIRST_STAGE_PORTS = 2;
const STAGE2_MS = 60;

/**
 * The discovery engine. Every address from `source` is probed by all enabled methods at once — ICMP echo on one
 * shared raw socket, TCP connects to the configured ports, and the kernel neighbour table for on-link
 * addresses — within a sliding window of `concurrency` hosts and `maxSockets` sockets. The first method to
 * answer marks the host up. The per-host wait adapts to the round-trip times observed so far
 * (between `minTimeoutMs` and `timeoutMs`), and silent hosts are retried `retries` times.
 * Resolves with the hosts that answered. `onResult` sees silent addresses as they expire (they are not kept)
 * and up hosts at the end, once their MAC (neighbour table) and hostname (reverse DNS) are filled in.
 */
export async function discover(source: AddressSource, cfg: ScannerConfig, opts: DiscoverOptions = {}): Promise<ProbeResult[]> {
  if (source.total === 0) return [];
  let upcoming = source.next();
  const caps = opts.capabilities ?? netCapabilities();
  const routes = opts.routes ?? new RouteTable();
  const notice = (m: string) => opts.onNotice?.(m);

  const inflight = new Map<string, Host>();
  const upByIp = new Map<string, ProbeResult>();
  const rtts: number[] = [];
  let window = Math.max(1, cfg.concurrency);
  let socketBudget = Math.max(1, cfg.maxSockets);
  let openSockets = 0;
  let done = 0;
  let icmpTokens = cfg.packetsPerSecond / 50;
  let lastRefill = performance.now();
  const icmpQueue: string[] = [];

  const rdns = cfg.reverseDns ? (opts.reverseDns ?? new ReverseDns({ timeoutMs: cfg.dnsTimeoutMs, servers: cfg.dnsServers })) : null;
  const rdnsPending: Array<Promise<void>> = [];

  // ---- ICMP -------------------------------------------------------------------------------------------------
  let pinger: IcmpPinger | null = null;
  if (cfg.icmp !== 'off') {
    const opened = caps.raw ? IcmpPinger.open((ip, rtt) => answer(ip, 'icmp', rtt)) : { reason: 'this process has neither root nor CAP_NET_RAW, so it cannot open raw sockets; grant it with: setcap cap_net_raw+ep "$(command -v node)"' };
    if ('pinger' in opened) pinger = opened.pinger;
    else if (cfg.icmp === 'on') throw new LnmtError('LNMT_ERR_SCAN', `ICMP echo was required (scanner.icmp: on) but ${opened.reason}`);
    else notice(`ICMP echo disabled: ${opened.reason}. Using TCP probes${cfg.neighbours ? ' and the neighbour table' : ''}.`);
  }

  // ---- neighbour table ----------------------------------------------------------------------------------------
  // Entries cached before the scan may describe a host that has since gone: clear them (CAP_NET_ADMIN) so the
  // kernel re-resolves, or else do not count them as proof.
  const trigger = new NeighbourTrigger();
  const preexisting = new Map<string, NeighbourEntry>();
  if (cfg.neighbours) {
    // /proc/net/arp costs no process spawn; `ip neigh` only when there are IPv6 targets.
    for (const e of [...(await readArpTable()), ...(source.hasIpv6 ? await readIpNeigh(6) : [])]) if (e.mac || e.state.includes('PERMANENT')) preexisting.set(e.ip, e);
  }
  let untrustedNoticed = false;

  let answered = 0;
  function sample(rtt: number): void {
    answered++;
    rtts.push(rtt);
    if (rtts.length > RTT_WINDOW) rtts.shift();
  }

  /**
   * The per-attempt wait: 2 × p95 of the round trips seen so far + 20 ms, within [minTimeoutMs, timeoutMs];
   * `timeoutMs` until three answers came in. A slow responder (a sleeping Wi-Fi client) gets the retry.
   */
  let timeoutCache = { at: -1, value: cfg.timeoutMs };
  function currentTimeout(): number {
    if (rtts.length < 3) return cfg.timeoutMs;
    if (timeoutCache.at === answered) return timeoutCache.value;
    const sorted = rtts.slice().sort((a, b) => a - b);
    const p95 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!;
    timeoutCache = { at: answered, value: Math.min(cfg.timeoutMs, Math.max(cfg.minTimeoutMs, 2 * p95 + 20)) };
    return timeoutCache.value;
  }

  function release(h: Host): void {
    if (!inflight.delete(h.ip)) return;
    if (h.iface) pendingOnLink--;
    for (const c of h.cancels) c();
    h.cancels.clear();
    pinger?.forget(h.ip);
  }

  function answer(ip: string, method: string, rtt: number, mac: string | null = null): void {
    const h = inflight.get(ip);
    if (!h) return;
    sample(rtt);
    release(h);
    const r: ProbeResult = { ip, up: true, method, rtt_ms: Math.round(rtt * 1000) / 1000, mac, hostname: null };
    upByIp.set(ip, r);
    done++;
    if (rdns) rdnsPending.push(rdns.lookup(ip).then((name) => void (r.hostname = name)));
    // Up hosts are reported at the end, once their MAC and hostname are known; silent ones straight away.
  }

  function giveUp(h: Host): void {
    release(h);
    done++;
    opts.onResult?.({ ip: h.ip, up: false, method: null, rtt_ms: null, mac: null, hostname: null });
  }

  /** Opens connects for the host's next ports: `limit` more now (the first stage tries two ports). */
  function startTcp(h: Host, limit = Infinity): void {
    let opened = 0;
    while (h.ports.length > 0 && openSockets < socketBudget && inflight.has(h.ip) && opened++ < limit) {
      const port = h.ports.shift()!;
      openSockets++;
      const probe = probeTcp(h.ip, port, cfg.timeoutMs * (cfg.retries + 1));
      h.cancels.add(probe.cancel);
      void probe.done.then((r) => {
        openSockets--;
        h.cancels.delete(probe.cancel);
        if (r.outcome === 'open' || r.outcome === 'closed') answer(h.ip, `tcp:${port}`, r.rttMs);
        else if (r.code === 'EMFILE' || r.code === 'ENFILE' || r.code === 'ENOBUFS' || r.code === 'EADDRNOTAVAIL') {
          // Out of descriptors or ports: shrink the window and the socket budget, retry this port later.
          socketBudget = Math.min(socketBudget, Math.max(16, Math.floor(socketBudget / 2)));
          window = Math.min(window, Math.max(16, Math.floor(window / 2)));
          h.ports.unshift(port);
        }
      });
    }
  }

  let pendingOnLink = 0; // on-link hosts in flight: each holds an unresolved neighbour entry
  async function startHosts(): Promise<void> {
    const batch: Host[] = [];
    while (inflight.size < window && upcoming !== undefined) {
      const iface = routes.onLinkIface(upcoming);
      if (iface && cfg.neighbours && pendingOnLink >= cfg.maxPendingNeighbours) break;
      const ip = upcoming;
      upcoming = source.next();
      const h: Host = { ip, iface, firstSent: 0, lastSent: 0, attempt: 0, ports: [...cfg.tcpPorts], cancels: new Set(), untrustedNeighbour: false };
      if (iface) pendingOnLink++;
      inflight.set(ip, h);
      batch.push(h);
    }
    if (batch.length === 0) return;
    if (cfg.neighbours) {
      const stale = batch.map((h) => preexisting.get(h.ip)).filter((e): e is NeighbourEntry => !!e);
      const removable = stale.filter((e) => !e.state.includes('PERMANENT') && !e.state.includes('NOARP'));
      if (caps.admin && removable.length > 0) await forgetNeighbours(removable);
      for (const e of stale) {
        if (!caps.admin || !removable.includes(e)) inflight.get(e.ip)!.untrustedNeighbour = true;
      }
      if (!caps.admin && stale.length > 0 && !untrustedNoticed) {
        untrustedNoticed = true;
        notice('Neighbour entries cached before this scan cannot be refreshed without CAP_NET_ADMIN; those hosts count as up only if they answer ICMP or TCP.');
      }
    }
    const now = performance.now();
    for (const h of batch) {
      h.firstSent = h.lastSent = now;
      if (pinger) icmpQueue.push(h.ip);
    }
    pumpIcmp(now); // echo requests first: they are cheap, and one raw socket serves every host
    for (const h of batch) {
      if (!arpDecides(h)) startTcp(h, FIRST_STAGE_PORTS);
      else if (!pinger) trigger.send(h.ip);
    }
  }

  /**
   * On a local segment every IP packet needs ARP/NDP first, so when we can trust the neighbour table a host
   * that never resolves cannot answer TCP either: connects would only cost sockets. Such hosts get ICMP (cheap,
   * names the method) and the table decides.
   */
  function arpDecides(h: Host): boolean {
    return cfg.neighbours && h.iface !== null && !h.untrustedNeighbour;
  }

  function pumpIcmp(now: number): void {
    if (!pinger) return;
    icmpTokens = Math.min(cfg.packetsPerSecond / 20, icmpTokens + ((now - lastRefill) / 1000) * cfg.packetsPerSecond);
    lastRefill = now;
    while (icmpQueue.length > 0 && icmpTokens >= 1) {
      const ip = icmpQueue.shift()!;
      if (!inflight.has(ip)) continue;
      icmpTokens--;
      pinger.send(ip);
    }
  }

  let lastNeighPoll = 0;
  async function pollNeighbours(now: number): Promise<void> {
    if (!cfg.neighbours || now - lastNeighPoll < NEIGH_POLL_MS) return;
    let v4 = false;
    let v6 = false;
    for (const h of inflight.values()) {
      if (!h.iface) continue; // routed hosts never appear in the neighbour table
      if (h.ip.includes(':')) v6 = true;
      else v4 = true;
    }
    if (!v4 && !v6) return;
    lastNeighPoll = now;
    const entries = [...(v4 ? await readArpTable() : []), ...(v6 ? await readIpNeigh(6) : [])];
    const t = performance.now();
    for (const e of entries) {
      const h = e.mac ? inflight.get(e.ip) : undefined;
      if (h && !h.untrustedNeighbour) answer(e.ip, e.ip.includes(':') ? 'ndp' : 'arp', t - h.firstSent, e.mac);
    }
  }

  async function retryOrExpire(now: number): Promise<void> {
    const timeout = currentTimeout();
    const retry: Host[] = [];
    const expired: Host[] = [];
    for (const h of [...inflight.values()]) {
      if (h.firstSent === 0 || now - h.lastSent < timeout) continue;
      if (h.attempt < cfg.retries) {
        h.attempt++;
        h.lastSent = now;
        retry.push(h);
      } else {
        giveUp(h);
        expired.push(h);
      }
    }
    // Unresolved entries are dropped, which frees the kernel's slots for the next hosts and, for retries, makes
    // it send a fresh ARP/NDP request now (it would otherwise wait a second between its own attempts).
    const onLink = (hs: Host[]) => hs.filter((h) => h.iface).map((h) => ({ ip: h.ip, iface: h.iface! }));
    if (caps.admin && cfg.neighbours) {
      if (expired.length > 0) void forgetNeighbours(onLink(expired)); // nothing waits on these
      if (retry.length > 0) await forgetNeighbours(onLink(retry));
    }
    if (retry.length === 0) return;
    for (const h of retry) {
      if (pinger) icmpQueue.push(h.ip);
      if (!arpDecides(h)) startTcp(h);
      else if (!pinger) trigger.send(h.ip);
    }
  }

  let lastProgress = 0;
  function progress(force = false): void {
    const now = performance.now();
    if (!force && now - lastProgress < 100) return;
    lastProgress = now;
    opts.onProgress?.({ done, total: source.total, up: upByIp.size });
  }

  try {
    while ((upcoming !== undefined || inflight.size > 0) && !opts.signal?.aborted) {
      await startHosts();
      const now = performance.now();
      pumpIcmp(now);
      // Hosts still silent after a short while get the rest of their ports.
      const stage2 = Math.min(STAGE2_MS, currentTimeout() / 3);
      for (const h of inflight.values()) if (h.ports.length > 0 && now - h.firstSent >= stage2 && !arpDecides(h)) startTcp(h);
      await pollNeighbours(now);
      await retryOrExpire(performance.now());
      progress();
      if (inflight.size > 0 || upcoming !== undefined) await new Promise((r) => setTimeout(r, TICK_MS));
    }
  } finally {
    for (const h of [...inflight.values()]) release(h);
    pinger?.close();
    trigger.close();
  }

  // MACs of every up host on a local segment, from the table the probes just refreshed.
  const needMac = [...upByIp.values()].filter((r) => !r.mac);
  if (needMac.length > 0 && cfg.neighbours !== false) {
    const table = new Map<string, string>();
    const wantV6 = needMac.some((r) => r.ip.includes(':'));
    for (const e of [...(await readArpTable()), ...(wantV6 ? await readIpNeigh(6) : [])]) if (e.mac) table.set(e.ip, e.mac);
    for (const r of needMac) r.mac = table.get(r.ip) ?? null;
  }
  if (rdnsPending.length > 0) {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled(rdnsPending), new Promise((r) => (timer = setTimeout(r, cfg.dnsTimeoutMs + 100)))]);
    clearTimeout(timer);
    if (!opts.reverseDns) rdns?.cancel();
  }
  for (const r of upByIp.values()) opts.onResult?.(r);
  progress(true);
  return [...upByIp.values()];
}
