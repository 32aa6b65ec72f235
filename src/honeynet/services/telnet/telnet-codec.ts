/** Telnet command bytes (RFC 854) and the options LNMT negotiates (RFC 857, 858, 1091, 1073). */
export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const SE = 240;
export const OPT = { ECHO: 1, SGA: 3, TTYPE: 24, TSPEED: 32, NAWS: 31, LINEMODE: 34, XDISPLOC: 35, NEW_ENVIRON: 39 } as const;

export type TelnetEvent =
  | { kind: 'data'; bytes: Buffer }
  | { kind: 'negotiate'; verb: 'WILL' | 'WONT' | 'DO' | 'DONT'; option: number }
  | { kind: 'command'; code: number }
  | { kind: 'sub'; option: number; payload: Buffer };

const VERBS: Record<number, 'WILL' | 'WONT' | 'DO' | 'DONT'> = { [WILL]: 'WILL', [WONT]: 'WONT', [DO]: 'DO', [DONT]: 'DONT' };

/**
 * A streaming Telnet decoder: splits what a client sends into data and commands, across any chunking. State is a
 * few bytes plus at most `maxSub` bytes of one subnegotiation (longer ones are cut: an attacker cannot make it
 * grow), and it never throws, whatever bytes arrive.
 */
export class TelnetDecoder {
  private state: 'data' | 'iac' | 'verb' | 'sb-opt' | 'sb' | 'sb-iac' = 'data';
  private verb = 0;
  private subOption = 0;
  private sub: number[] = [];

  constructor(private readonly maxSub = 512) {}

  decode(chunk: Uint8Array): TelnetEvent[] {
    const out: TelnetEvent[] = [];
    let data: number[] = [];
    const flush = () => {
      if (data.length) out.push({ kind: 'data', bytes: Buffer.from(data) });
      data = [];
    };
    for (const b of chunk) {
      switch (this.state) {
        case 'data':
          if (b === IAC) this.state = 'iac';
          else data.push(b);
          break;
        case 'iac':
          if (b === IAC) {
            data.push(IAC); // escaped 0xFF
            this.state = 'data';
          } else if (b in VERBS) {
            this.verb = b;
            this.state = 'verb';
          } else if (b === SB) {
            this.state = 'sb-opt';
          } else {
            flush();
            out.push({ kind: 'command', code: b });
            this.state = 'data';
          }
          break;
        case 'verb':
          flush();
          out.push({ kind: 'negotiate', verb: VERBS[this.verb]!, option: b });
          this.state = 'data';
          break;
        case 'sb-opt':
          this.subOption = b;
          this.sub = [];
          this.state = 'sb';
          break;
        case 'sb':
          if (b === IAC) this.state = 'sb-iac';
          else if (this.sub.length < this.maxSub) this.sub.push(b);
          break;
        case 'sb-iac':
          if (b === SE) {
            flush();
            out.push({ kind: 'sub', option: this.subOption, payload: Buffer.from(this.sub) });
            this.sub = [];
            this.state = 'data';
          } else {
            if (b === IAC && this.sub.length < this.maxSub) this.sub.push(IAC);
            this.state = 'sb';
          }
          break;
      }
    }
    flush();
    return out;
  }
}

export function negotiate(verb: 'WILL' | 'WONT' | 'DO' | 'DONT', option: number): Buffer {
  return Buffer.from([IAC, { WILL, WONT, DO, DONT }[verb], option]);
}

export function subnegotiation(option: number, payload: readonly number[]): Buffer {
  const body: number[] = [];
  for (const b of payload) body.push(b, ...(b === IAC ? [IAC] : []));
  return Buffer.from([IAC, SB, option, ...body, IAC, SE]);
}

/** Data to send: 0xFF doubled, and bare `\n` as `\r\n` (Telnet's end of line). */
export function encodeText(text: string): Buffer {
  const raw = Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'utf8');
  if (!raw.includes(IAC)) return raw;
  const out: number[] = [];
  for (const b of raw) out.push(b, ...(b === IAC ? [IAC] : []));
  return Buffer.from(out);
}

/** NAWS payload → window size (RFC 1073: width and height as 16-bit big-endian). */
export function parseNaws(payload: Buffer): { width: number; height: number } | null {
  if (payload.length < 4) return null;
  const width = payload.readUInt16BE(0);
  const height = payload.readUInt16BE(2);
  return width > 0 && height > 0 ? { width: Math.min(width, 1000), height: Math.min(height, 1000) } : null;
}

/** TTYPE IS payload → terminal name (RFC 1091), printable and bounded. */
export function parseTtype(payload: Buffer): string | null {
  if (payload.length < 2 || payload[0] !== 0) return null;
  const name = payload.subarray(1, 41).toString('latin1').replace(/[^\x20-\x7e]/g, '');
  return name.length > 0 ? name.toLowerCase() : null;
}
