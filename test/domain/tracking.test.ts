import { describe, expect, it } from 'vitest';
import { computeStats, formatPercent } from '../../src/domain/analytics.js';
import { parseFormatting } from '../../src/domain/message.js';
import {
  clickToken,
  goalToken,
  listLinks,
  readClickToken,
  readGoalToken,
  resolveLink,
  rewriteLinks,
  trackingSecret,
  urlHash,
  withGoalParam,
} from '../../src/domain/tracking.js';

const secret = trackingSecret('123456:AAtest-token-for-tracking');

describe('click and goal tokens', () => {
  it('round-trip Telegram and WhatsApp recipients, and stay short', () => {
    for (const recipient of ['tg:123456789', 'tg:-1001234567890', 'wa:+4915112345678']) {
      const t = { campaignId: 12, run: 3, recipient, link: 2, hash: urlHash('https://shop.example/sale') };
      const token = clickToken(secret, t);
      expect(token).toMatch(/^[\w.-]+$/);
      expect(token.length).toBeLessThan(50);
      expect(readClickToken(secret, token)).toEqual(t);
    }
    const g = { campaignId: 7, run: 1, recipient: 'tg:42' };
    expect(readGoalToken(secret, goalToken(secret, g))).toEqual(g);
  });

  it('refuse a changed token, another secret, and a click token used as a goal token', () => {
    const token = clickToken(secret, { campaignId: 12, run: 1, recipient: 'tg:5', link: 0, hash: 'abcdef' });
    expect(token.startsWith('c.1.0.abcdef.t5.')).toBe(true);
    // Another campaign, or another recipient, with the same signature.
    expect(readClickToken(secret, token.replace(/^c\./, 'd.'))).toBeUndefined();
    expect(readClickToken(secret, token.replace('.t5.', '.t6.'))).toBeUndefined();
    expect(readClickToken(trackingSecret('999:AAanother-token-here'), token)).toBeUndefined();
    expect(readGoalToken(secret, token)).toBeUndefined();
    expect(readClickToken(secret, 'garbage')).toBeUndefined();
    expect(readClickToken(secret, '')).toBeUndefined();
  });
});

describe('link rewriting', () => {
  const parsed = parseFormatting(
    '*Sale!* Shop [here](https://a.example/x) or at https://b.example/y. _Bye_ now',
  );
  const content = { ...parsed, buttons: [[{ text: 'Open', url: 'https://c.example/z' }]] };

  it('lists text links, bare URLs and buttons in a fixed order', () => {
    expect(listLinks(content)).toEqual(['https://a.example/x', 'https://b.example/y', 'https://c.example/z']);
  });

  it('rewrites every link and shifts the entities after a bare URL', () => {
    const out = rewriteLinks(content, (i) => `https://t.example/c/TOKEN${i}`);
    expect(out.text).toBe('Sale! Shop here or at https://t.example/c/TOKEN1. Bye now');
    expect(out.entities.find((e) => e.type === 'text_link')?.url).toBe('https://t.example/c/TOKEN0');
    const italic = out.entities.find((e) => e.type === 'italic')!;
    expect(out.text.slice(italic.offset, italic.offset + italic.length)).toBe('Bye');
    expect(out.buttons?.[0]?.[0]).toEqual({ text: 'Open', url: 'https://t.example/c/TOKEN2' });
    // The original is untouched (the renderer caches it for every recipient).
    expect(content.text).toContain('https://b.example/y');
  });

  it('finds the link by position, or by hash after an edit moved it', () => {
    const links = ['https://a.example/x', 'https://b.example/y'];
    expect(resolveLink(links, { link: 1, hash: urlHash('https://b.example/y') })).toBe('https://b.example/y');
    expect(resolveLink(['https://b.example/y'], { link: 1, hash: urlHash('https://b.example/y') })).toBe(
      'https://b.example/y',
    );
    expect(resolveLink(links, { link: 0, hash: urlHash('https://gone.example') })).toBeUndefined();
  });

  it('adds the goal token as a query parameter', () => {
    expect(withGoalParam('https://a.example/x?utm=1#top', 'T.k')).toBe(
      'https://a.example/x?utm=1&mb_goal=T.k#top',
    );
  });
});

describe('seed figures', () => {
  it("reproduces the seed's example: 98.7 %, 1.3 %, 82.1 %, 28.8 %, 14.7 %", () => {
    const s = computeStats({
      platform: 'whatsapp',
      counts: { read: 128, delivered: 26, failed: 2 },
      failureReasons: { invalid_number: 1, network: 1 },
      clicked: 45,
      responses: 23,
      conversions: 8,
    });
    expect([s.sent, s.delivered, s.failed, s.read, s.clicked, s.responses]).toEqual([
      156, 154, 2, 128, 45, 23,
    ]);
    expect(
      [s.percent.delivered, s.percent.failed, s.percent.read, s.percent.clicked, s.percent.responses].map(
        formatPercent,
      ),
    ).toEqual(['98.7%', '1.3%', '82.1%', '28.8%', '14.7%']);
    expect(s.failureReasons).toMatchObject({ invalid_number: 1, network: 1, blocked: 0 });
    expect(formatPercent(s.engagement.conversionRate)).toBe('5.1%');
  });
});
