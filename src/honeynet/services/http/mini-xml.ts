/**
 * Just enough XML for XML-RPC bodies: elements, text and the five entities plus character references (no CDATA). It is a
 * linear scan (one pass of a tokenising regex without nested quantifiers) with a depth and element cap, so a
 * hostile body costs time proportional to its (already capped) length and never recursion or backtracking.
 * No DTDs, no external entities: anything like them is plain text.
 */
export interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

const TOKEN = /<(\/?)([A-Za-z_][\w.:-]*)[^<>]*?(\/?)>|<[?!][^<>]*>|([^<]+)|</g;
const MAX_DEPTH = 32;
const MAX_ELEMENTS = 20_000;

export function decodeEntities(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (_, e: string) => {
    switch (e) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
      default: {
        const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
      }
    }
  });
}

/** The document's root element, or null when there is none. Unbalanced input is closed leniently. */
export function parseXml(src: string): XmlElement | null {
  const root: XmlElement = { name: '#document', children: [], text: '' };
  const stack: XmlElement[] = [root];
  let count = 0;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(src); m; m = TOKEN.exec(src)) {
    const top = stack[stack.length - 1]!;
    if (m[2] !== undefined) {
      const name = m[2];
      if (m[1] === '/') {
        const at = stack.map((e) => e.name).lastIndexOf(name);
        if (at > 0) stack.length = at;
      } else {
        if (++count > MAX_ELEMENTS) break;
        const el: XmlElement = { name, children: [], text: '' };
        top.children.push(el);
        if (m[3] !== '/' && stack.length < MAX_DEPTH) stack.push(el);
      }
    } else if (m[4] !== undefined) top.text += decodeEntities(m[4]);
  }
  return root.children[0] ?? null;
}

export function child(el: XmlElement | undefined, name: string): XmlElement | undefined {
  return el?.children.find((c) => c.name === name);
}
