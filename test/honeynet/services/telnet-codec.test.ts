import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { LineEditor } from '../../../src/honeynet/services/telnet/line-editor.js';
import { encodeText, negotiate, OPT, parseNaws, parseTtype, subnegotiation, TelnetDecoder, type TelnetEvent } from '../../../src/honeynet/services/telnet/telnet-codec.js';

const IAC = 255;

function decodeAll(chunks: Buffer[]): TelnetEvent[] {
  const d = new TelnetDecoder();
  const evs = chunks.flatMap((c) => d.decode(c));
  // Adjacent data events are one stream: merge them so chunking does not matter.
  const out: TelnetEvent[] = [];
  for (const e of evs) {
    const last = out[out.length - 1];
    if (e.kind === 'data' && last?.kind === 'data') out[out.length - 1] = { kind: 'data', bytes: Buffer.concat([last.bytes, e.bytes]) };
    else out.push(e);
  }
  return out;
}

describe('telnet decoder', () => {
  const stream = Buffer.concat([
    Buffer.from('ro'),
    negotiate('DO', OPT.ECHO),
    Buffer.from('ot'),
    negotiate('WILL', OPT.NAWS),
    subnegotiation(OPT.NAWS, [0, 132, 0, 255]), // 255 in the payload is doubled on the wire
    Buffer.from([IAC, IAC]),
    Buffer.from([IAC, 244]), // IP
    subnegotiation(OPT.TTYPE, [0, ...Buffer.from('XTERM-256COLOR')]),
    Buffer.from('\r\n'),
  ]);
  const expected: TelnetEvent[] = [
    { kind: 'data', bytes: Buffer.from('ro') },
    { kind: 'negotiate', verb: 'DO', option: OPT.ECHO },
    { kind: 'data', bytes: Buffer.from('ot') },
    { kind: 'negotiate', verb: 'WILL', option: OPT.NAWS },
    { kind: 'sub', option: OPT.NAWS, payload: Buffer.from([0, 132, 0, 255]) },
    { kind: 'data', bytes: Buffer.from([255]) },
    { kind: 'command', code: 244 },
    { kind: 'sub', option: OPT.TTYPE, payload: Buffer.from([0, ...Buffer.from('XTERM-256COLOR')]) },
    { kind: 'data', bytes: Buffer.from('\r\n') },
  ];

  it('separates data, negotiation, commands and subnegotiation (escaped 0xFF included)', () => {
    assert.deepEqual(decodeAll([stream]), expected);
    assert.deepEqual(parseNaws(Buffer.from([0, 132, 0, 255])), { width: 132, height: 255 });
    assert.equal(parseTtype(Buffer.from([0, ...Buffer.from('XTERM-256COLOR')])), 'xterm-256color');
  });

  it('gives the same result however the stream is chunked', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 20 }), (cuts) => {
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        const chunks: Buffer[] = [];
        let prev = 0;
        for (const p of points) {
          chunks.push(stream.subarray(prev, p));
          prev = p;
        }
        chunks.push(stream.subarray(prev));
        assert.deepEqual(decodeAll(chunks), expected);
      }),
    );
  });

  it('never throws and bounds a subnegotiation that never ends', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 30 }), (chunks) => {
        const d = new TelnetDecoder(64);
        for (const c of chunks) for (const e of d.decode(c)) if (e.kind === 'sub') assert.ok(e.payload.length <= 64);
      }),
    );
    const d = new TelnetDecoder(64);
    d.decode(Buffer.from([IAC, 250, 24]));
    for (let i = 0; i < 1000; i++) d.decode(Buffer.alloc(1024, 65));
    const [ev] = d.decode(Buffer.from([IAC, 240]));
    assert.ok(ev?.kind === 'sub' && ev.payload.length === 64);
  });

  it('encodes text with CRLF line ends and doubled 0xFF', () => {
    assert.deepEqual(encodeText('a\nb\r\n'), Buffer.from('a\r\nb\r\n'));
    assert.deepEqual(encodeText('\u00ff'), Buffer.from([0xc3, 0xbf]));
    assert.deepEqual(subnegotiation(OPT.TTYPE, [1]), Buffer.from([IAC, 250, 24, 1, IAC, 240]));
  });
});

describe('line editor', () => {
  function run(input: string | Buffer, echo = true): { events: ReturnType<LineEditor['feed']>; echoed: string } {
    let echoed = '';
    const ed = new LineEditor((b) => (echoed += b.toString('latin1')), 16);
    ed.echo = echo;
    return { events: ed.feed(typeof input === 'string' ? Buffer.from(input, 'latin1') : input), echoed };
  }

  it('ends lines on CR LF, CR NUL and LF, echoing as it goes', () => {
    const { events, echoed } = run('ls -la\r\nid\r\0pwd\n');
    assert.deepEqual(events, [{ kind: 'line', text: 'ls -la' }, { kind: 'line', text: 'id' }, { kind: 'line', text: 'pwd' }]);
    assert.equal(echoed, 'ls -la\r\nid\r\npwd\r\n');
  });

  it('handles backspace, ^U, ^C and ^D; no echo for passwords', () => {
    assert.deepEqual(run('lx\x7fs\r').events, [{ kind: 'line', text: 'ls' }]);
    assert.deepEqual(run('rm -rf /\x15id\r').events, [{ kind: 'line', text: 'id' }]);
    assert.deepEqual(run('sleep 9\x03').events, [{ kind: 'interrupt' }]);
    assert.deepEqual(run('\x04').events, [{ kind: 'eof' }]);
    const secret = run('hunter2\r', false);
    assert.deepEqual(secret.events, [{ kind: 'line', text: 'hunter2' }]);
    assert.equal(secret.echoed, '\r\n');
  });

  it('caps a line at its maximum length', () => {
    const { events } = run(`${'A'.repeat(100)}\r`);
    assert.deepEqual(events, [{ kind: 'line', text: 'A'.repeat(16) }]);
  });
});
