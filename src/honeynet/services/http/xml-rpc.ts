import { child, parseXml, type XmlElement } from './mini-xml.js';

/** An XML-RPC value as WordPress's IXR parses it. */
export type RpcValue = string | number | boolean | RpcValue[] | { [k: string]: RpcValue };

export interface RpcCall {
  methodName: string;
  params: RpcValue[];
}

function value(el: XmlElement | undefined): RpcValue {
  if (!el) return '';
  const typed = el.children[0];
  if (!typed) return el.text; // <value>text</value> is a string
  switch (typed.name) {
    case 'int':
    case 'i4':
    case 'double':
      return Number(typed.text.trim());
    case 'boolean':
      return typed.text.trim() === '1';
    case 'array':
      return (child(typed, 'data')?.children ?? []).filter((c) => c.name === 'value').map(value);
    case 'struct': {
      const out: { [k: string]: RpcValue } = {};
      for (const m of typed.children) {
        if (m.name !== 'member') continue;
        out[child(m, 'name')?.text.trim() ?? ''] = value(child(m, 'value'));
      }
      return out;
    }
    default:
      return typed.text;
  }
}

/** A `<methodCall>` body, or null when the XML is not one. */
export function parseMethodCall(xml: string): RpcCall | null {
  const root = parseXml(xml);
  if (!root || root.name !== 'methodCall') return null;
  const methodName = child(root, 'methodName')?.text.trim() ?? '';
  const params = (child(root, 'params')?.children ?? []).filter((p) => p.name === 'param').map((p) => value(child(p, 'value')));
  return { methodName, params };
}

/** The calls inside `system.multicall` (an array of {methodName, params} structs). */
export function multicallCalls(call: RpcCall, max: number): RpcCall[] {
  const list = call.params[0];
  if (!Array.isArray(list)) return [];
  const out: RpcCall[] = [];
  for (const item of list.slice(0, max)) {
    if (typeof item !== 'object' || Array.isArray(item)) continue;
    const params = item['params'];
    out.push({ methodName: String(item['methodName'] ?? ''), params: Array.isArray(params) ? params : [] });
  }
  return out;
}

const xmlEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A fault response as WordPress sends it (IXR_Error::getXml). */
export function rpcFault(code: number, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<methodResponse>
  <fault>
    <value>
      <struct>
        <member>
          <name>faultCode</name>
          <value><int>${code}</int></value>
        </member>
        <member>
          <name>faultString</name>
          <value><string>${xmlEscape(message)}</string></value>
        </member>
      </struct>
    </value>
  </fault>
</methodResponse>
`;
}

/** A successful response with one value (IXR_Value::getXml layout). */
export function rpcResponse(valueXml: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<methodResponse>
  <params>
    <param>
      <value>
      ${valueXml}
      </value>
    </param>
  </params>
</methodResponse>
`;
}

export function rpcStringArray(items: readonly string[]): string {
  return `<array><data>\n${items.map((s) => `  <value><string>${xmlEscape(s)}</string></value>`).join('\n')}\n</data></array>`;
}

export function rpcStruct(members: Array<[string, string]>): string {
  return `<struct>\n${members.map(([n, v]) => `  <member><name>${xmlEscape(n)}</name><value>${v}</value></member>`).join('\n')}\n</struct>`;
}

export { xmlEscape };
