/** Slack- and Discord-compatible webhooks against a real local receiver: the exact payload shapes and limits. */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { discordChannel, DISCORD_LIMITS } from '../../src/notify/channels/discord.js';
import { slackChannel } from '../../src/notify/channels/slack.js';
import { alert, deps, httpReceiver, signal } from './helpers.js';

const closers: Array<() => Promise<void>> = [];
after(async () => {
  for (const c of closers) await c();
});

describe('slack channel', () => {
  it('posts text plus header, body, fields and context blocks; mrkdwn special characters escaped', async () => {
    const r = await httpReceiver([{ status: 200, body: 'ok' }]);
    closers.push(r.close);
    const ch = slackChannel.create(slackChannel.validate({ url: `${r.url}/services/T0/B0/XYZ` }), deps());
    const a = alert({ text: 'down: <b> & "x"', suppressed: 2, fields: { check: 'http <x>', device: 'web-1.lan (10.0.0.7)' } });
    assert.equal((await ch.send(a, signal())).detail, 'HTTP 200');
    const [req] = r.requests;
    assert.equal(req!.url, '/services/T0/B0/XYZ');
    assert.deepEqual(JSON.parse(req!.body), {
      text: '[critical] web-1 is DOWN (2 more suppressed)',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'web-1 is DOWN (2 more suppressed)' } },
        { type: 'section', text: { type: 'mrkdwn', text: 'down: &lt;b&gt; &amp; "x"\n2 similar alerts were suppressed since the previous alert for this key.' } },
        { type: 'section', fields: [{ type: 'mrkdwn', text: '*check*\nhttp &lt;x&gt;' }, { type: 'mrkdwn', text: '*device*\nweb-1.lan (10.0.0.7)' }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'critical · check-state · sensor gw-1 · 2026-03-01T12:00:00.000Z' }] },
      ],
    });
  });

  it('keeps a long title within the header block limit (150)', async () => {
    const r = await httpReceiver();
    closers.push(r.close);
    await slackChannel.create(slackChannel.validate({ url: r.url }), deps()).send(alert({ title: 'x'.repeat(400), fields: {} }), signal());
    const body = JSON.parse(r.requests[0]!.body);
    assert.equal([...body.blocks[0].text.text].length, 150);
    assert.ok(body.blocks[0].text.text.endsWith('…'));
    assert.equal(body.blocks.length, 3, 'no fields block without fields');
  });

  it('the URL is the secret: a bad one is reported masked', () => {
    assert.throws(() => slackChannel.validate({ url: 'gopher://hooks.example/T/B/SECRET' }), (err: any) => err.details[0].value === 'gopher://***');
  });
});

describe('discord channel', () => {
  it('posts content plus one embed (title, description, colour, timestamp, fields, footer) and no mentions', async () => {
    const r = await httpReceiver([{ status: 204 }]);
    closers.push(r.close);
    const ch = discordChannel.create(discordChannel.validate({ url: `${r.url}/api/webhooks/1/abc` }), deps());
    await ch.send(alert({ title: 'web_1 is *DOWN* @everyone' }), signal());
    assert.deepEqual(JSON.parse(r.requests[0]!.body), {
      content: '**[CRITICAL]** web\\_1 is \\*DOWN\\* @everyone',
      embeds: [
        {
          title: 'web_1 is *DOWN* @everyone',
          description: 'web-1 is down after 3 failed results: connection refused',
          color: 0xe74c3c,
          timestamp: '2026-03-01T12:00:00.000Z',
          footer: { text: 'lnmt · check-state · gw-1' },
          fields: [{ name: 'check', value: 'http http://10.0.0.7/health', inline: true }],
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('respects every length limit, and 6,000 characters per embed in total (fields dropped last-first)', async () => {
    const r = await httpReceiver();
    closers.push(r.close);
    const fields = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`field-${i}-${'n'.repeat(300)}`, 'v'.repeat(2000)]));
    await discordChannel.create(discordChannel.validate({ url: r.url }), deps()).send(alert({ title: 't'.repeat(3000), text: 'd'.repeat(10000), fields }), signal());
    const body = JSON.parse(r.requests[0]!.body);
    const L = DISCORD_LIMITS;
    const e = body.embeds[0];
    const n = (s: string) => [...s].length;
    assert.ok(n(body.content) <= L.content);
    assert.equal(n(e.title), L.title);
    assert.ok(n(e.description) <= L.description);
    assert.ok(e.fields.length >= 1 && e.fields.length < L.fields, `${e.fields.length} fields`);
    for (const f of e.fields) {
      assert.ok(n(f.name) <= L.fieldName);
      assert.ok(n(f.value) <= L.fieldValue);
    }
    assert.equal(e.fields[0].name, `${'field-0-'}${'n'.repeat(247)}…`);
    const total = n(e.title) + n(e.description) + n(e.footer.text) + e.fields.reduce((s: number, f: { name: string; value: string }) => s + n(f.name) + n(f.value), 0);
    assert.ok(total <= L.embedTotal, `embed total ${total}`);
  });

  it('sends at most 25 fields', async () => {
    const r = await httpReceiver();
    closers.push(r.close);
    const fields = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`f${i}`, String(i)]));
    await discordChannel.create(discordChannel.validate({ url: r.url }), deps()).send(alert({ fields }), signal());
    const e = JSON.parse(r.requests[0]!.body).embeds[0];
    assert.deepEqual(e.fields.map((f: { name: string }) => f.name), Array.from({ length: 25 }, (_, i) => `f${i}`));
  });
});
