/** Syslog (RFC 5424) to real local listeners: UDP datagrams and RFC 6587 octet-counted TCP frames. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { LnmtError } from '../../src/core/errors.js';
import { DeliveryError } from '../../src/notify/channel-type.js';
import { syslogChannel } from '../../src/notify/channels/syslog.js';
import { formatSyslog, utf8Limited } from '../../src/notify/channels/syslog-format.js';
import { alert, deps, refusedPort, signal, tcpSyslog, udpSyslog } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers) await c();
});

const PID = process.pid;
/** local0 (16) × 8 + crit (2) = 130. */
const EXPECTED = `<130>1 2026-03-01T12:00:00.000Z gw-1 lnmt ${PID} check-state [lnmt@32473 event_id="01900000-0000-7000-8000-000000000001" event_type="check.state_changed" rule="check-state" key="check:c1:down" severity="critical" suppressed="0"] web-1 is DOWN: web-1 is down after 3 failed results: connection refused`;

/** RFC 5424 §6: HEADER SP STRUCTURED-DATA [SP MSG], parsed field by field. */
function parse5424(line: string) {
  const m = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) (-|\[.*?[^\\]\]) (.*)$/.exec(line);
  assert.ok(m, `not an RFC 5424 line: ${line}`);
  return { pri: Number(m[1]), version: m[2], timestamp: m[3], hostname: m[4], app: m[5], procid: m[6], msgid: m[7], sd: m[8], msg: m[9] };
}

async function waitFor(list: unknown[], n: number): Promise<void> {
  const until = Date.now() + 3000;
  while (list.length < n && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  assert.equal(list.length, n);
}

describe('syslog channel', () => {
  it('UDP: one datagram holding the exact RFC 5424 line', async () => {
    const l = await udpSyslog();
    closers.push(l.close);
    const ch = syslogChannel.create(syslogChannel.validate({ host: '127.0.0.1', port: l.port }), deps());
    const r = await ch.send(alert(), signal());
    await waitFor(l.messages, 1);
    assert.equal(l.messages[0], EXPECTED);
    assert.equal(r.detail, `${Buffer.byteLength(EXPECTED)} bytes over udp`);
    const p = parse5424(l.messages[0]!);
    assert.deepEqual(
      { pri: p.pri, version: p.version, timestamp: p.timestamp, hostname: p.hostname, app: p.app, procid: p.procid, msgid: p.msgid },
      { pri: 130, version: '1', timestamp: '2026-03-01T12:00:00.000Z', hostname: 'gw-1', app: 'lnmt', procid: String(PID), msgid: 'check-state' },
    );
  });

  it('TCP: octet-counted frames ("LEN SP MSG"), one connection per message, any facility', async () => {
    const l = await tcpSyslog();
    closers.push(l.close);
    const ch = syslogChannel.create(syslogChannel.validate({ host: '127.0.0.1', port: l.port, transport: 'tcp', facility: 'daemon' }), deps());
    await ch.send(alert({ text: 'line one\nline two' }), signal());
    await ch.send(alert({ severity: 'info', rule: 'new-device', key: 'device:3:new', title: 'New device 10.0.0.3', text: 'seen', event: null }), signal());
    await waitFor(l.messages, 2);
    assert.deepEqual(l.errors, []);
    // daemon (3) × 8 + crit (2) = 26; newlines in the text become spaces.
    assert.equal(l.messages[0], `<26>1 2026-03-01T12:00:00.000Z gw-1 lnmt ${PID} check-state [lnmt@32473 event_id="01900000-0000-7000-8000-000000000001" event_type="check.state_changed" rule="check-state" key="check:c1:down" severity="critical" suppressed="0"] web-1 is DOWN: line one line two`);
    assert.equal(l.messages[1], `<30>1 2026-03-01T12:00:00.000Z gw-1 lnmt ${PID} new-device [lnmt@32473 rule="new-device" key="device:3:new" severity="info" suppressed="0"] New device 10.0.0.3: seen`);
  });

  it('maps severities (crit 2, warning 4, notice 5, info 6) and escapes structured-data values', () => {
    const pri = (severity: 'critical' | 'warning' | 'notice' | 'info') => parse5424(formatSyslog(alert({ severity }), { facility: 1, hostname: 'h', procId: '1' })).pri;
    assert.deepEqual([pri('critical'), pri('warning'), pri('notice'), pri('info')], [10, 12, 13, 14]);
    const line = formatSyslog(alert({ key: 'a"b\\c]d' }), { facility: 16, hostname: 'h', procId: '1' });
    assert.ok(line.includes('key="a\\"b\\\\c\\]d"'), line);
  });

  it('cuts UDP messages to 2,048 octets without splitting a UTF-8 character', () => {
    const cut = utf8Limited('é'.repeat(2000), 2047);
    assert.equal(cut.length, 2046);
    assert.equal(cut.toString('utf8'), 'é'.repeat(1023));
  });

  it('TCP to a closed port fails retryably', async () => {
    const port = await refusedPort();
    const ch = syslogChannel.create(syslogChannel.validate({ host: '127.0.0.1', port, transport: 'tcp' }), deps());
    await assert.rejects(ch.send(alert(), signal()), (err: unknown) => err instanceof DeliveryError && err.retryable && /ECONNREFUSED/.test(err.message));
  });

  it('validates host, port, transport and facility', () => {
    assert.throws(
      () => syslogChannel.validate({ host: 'bad host!', port: 70000, transport: 'tls', facility: 'local9' }),
      (err: unknown) => {
        assert.ok(err instanceof LnmtError);
        assert.deepEqual(err.details.map((d) => d.where), ['settings.host', 'settings.port', 'settings.transport', 'settings.facility']);
        return true;
      },
    );
    assert.deepEqual(syslogChannel.validate({ host: 'log.example.org' }), { host: 'log.example.org', port: 514, transport: 'udp', facility: 16 });
    assert.equal(syslogChannel.validate({ host: '::1', facility: 4 }).facility, 4);
  });
});
