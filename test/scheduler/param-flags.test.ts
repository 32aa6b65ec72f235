/** `--param key=value` / `--params <json>` → job parameters typed by the job type's schema. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Type from 'typebox';
import type { ErrorDetail } from '../../src/core/errors.js';
import { paramsFromFlags } from '../../src/scheduler/param-flags.js';

const Schema = Type.Object({
  targets: Type.Array(Type.String()),
  force: Type.Optional(Type.Boolean()),
  label: Type.Optional(Type.String()),
  options: Type.Optional(Type.Object({ tcpPorts: Type.Optional(Type.Array(Type.Integer())), timeoutMs: Type.Optional(Type.Integer()) })),
});

function parse(pairs: string[], json?: string): { params: Record<string, unknown>; problems: ErrorDetail[] } {
  const problems: ErrorDetail[] = [];
  return { params: paramsFromFlags(Schema, pairs, json, (d) => problems.push(d)), problems };
}

describe('job parameters from flags', () => {
  it('types values by the schema: lists split on commas, repeated keys add up, numbers and booleans parsed', () => {
    const { params, problems } = parse(['targets=10.0.0.0/24, 10.0.1.5', 'targets=printer.lan', 'force=yes', 'options.tcpPorts=22,443', 'options.timeoutMs=800', 'label=a=b,c']);
    assert.deepEqual(problems, []);
    assert.deepEqual(params, { targets: ['10.0.0.0/24', '10.0.1.5', 'printer.lan'], force: true, options: { tcpPorts: [22, 443], timeoutMs: 800 }, label: 'a=b,c' });
  });

  it('reads JSON values, and --param keys over --params', () => {
    const { params } = parse(['options={"timeoutMs":500}', 'targets=["a","b"]'], '{"targets":["x"],"force":false}');
    assert.deepEqual(params, { targets: ['a', 'b'], force: false, options: { timeoutMs: 500 } });
  });

  it('leaves values that do not fit for the schema check, and reports malformed flags', () => {
    assert.deepEqual(parse(['options.timeoutMs=soon']).params, { options: { timeoutMs: 'soon' } });
    const { problems } = parse(['=x', 'novalue', 'bad key=1'], '[1,2]');
    assert.deepEqual(problems.map((p) => [p.where, p.message]), [
      ['--params', 'not a JSON object'],
      ['--param', 'expected key=value'],
      ['--param', 'expected key=value'],
      ['--param', 'expected key=value'],
    ]);
    assert.match(parse([], '{oops').problems[0]!.message, /^not JSON: /);
  });
});
