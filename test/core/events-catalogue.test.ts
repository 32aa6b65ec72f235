import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { EVENT_CATALOGUE, EVENT_TYPES, isEventType, makeEvent } from '../../src/core/events.js';

const ROOT = join(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('event catalogue', () => {
  it('documents every type in docs/events.md, and documents nothing that does not exist', () => {
    const doc = readFileSync(join(ROOT, 'docs/events.md'), 'utf8');
    const documented = new Set([...doc.matchAll(/^\| `([a-z_]+\.[a-z_]+)` \|/gm)].map((m) => m[1]!));
    assert.deepEqual([...documented].sort(), [...EVENT_TYPES].sort());
    for (const t of EVENT_TYPES) assert.ok(doc.includes(EVENT_CATALOGUE[t].description), `description of ${t} matches the doc`);
  });

  it('every type the code emits is in the catalogue', () => {
    const emitted = new Set<string>();
    for (const f of sourceFiles(join(ROOT, 'src'))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/(?:makeEvent|ev)\(\s*'([a-z_]+\.[a-z_]+)'/g)) emitted.add(m[1]!);
    }
    assert.ok(emitted.size >= 5, `found ${emitted.size} emitted types`);
    for (const t of emitted) assert.ok(isEventType(t), `${t} is emitted but not catalogued`);
  });

  it('makes events with sortable unique ids and ISO times', () => {
    const a = makeEvent('scan.started', { scan_id: 's', targets: [], addresses: 0, methods: [] }, { sensor: 'n1', now: 1_700_000_000_000 });
    const b = makeEvent('scan.started', { scan_id: 's', targets: [], addresses: 0, methods: [] }, { sensor: 'n1', now: 1_700_000_000_000 });
    assert.notEqual(a.id, b.id);
    assert.ok(a.id < b.id, 'ids from the same millisecond still sort in creation order');
    assert.equal(a.time, '2023-11-14T22:13:20.000Z');
    assert.equal(a.sensor, 'n1');
    assert.match(a.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
