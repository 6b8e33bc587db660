import { describe, expect, it } from 'vitest';
import { createRenderer, linkTrackingFor, trackPlainText } from '../../src/dispatch/render.js';
import { readClickToken, resolveLink, trackingSecret } from '../../src/domain/tracking.js';
import { messageLinks } from '../../src/services/tracking.service.js';

const BOT_TOKEN = '123456:AArender-test-token';
const config = { BOT_TOKEN, PUBLIC_URL: 'https://bot.example/' };
const message = {
  text: 'Hi [Name], see [the offer](https://shop.example/o) or https://shop.example/p',
  buttons: [[{ text: 'Shop', url: 'https://shop.example/q' }]],
};

describe('link tracking in the per-recipient render', () => {
  it('is off without PUBLIC_URL or when the campaign turned it off', () => {
    expect(linkTrackingFor({ BOT_TOKEN }, { id: 1, settings: {} })).toBeUndefined();
    expect(linkTrackingFor(config, { id: 1, settings: { trackClicks: false } })).toBeUndefined();
    const render = createRenderer(message, undefined);
    const content = render('Ann', { run: 1, recipient: 'tg:5' });
    expect(content.text).toBe('Hi Ann, see the offer or https://shop.example/p');
    expect(content.entities.find((e) => e.type === 'text_link')?.url).toBe('https://shop.example/o');
    expect(content.buttons?.[0]?.[0]?.url).toBe('https://shop.example/q');
  });

  it('gives every recipient signed links that lead back to the original addresses', () => {
    const tracking = linkTrackingFor(config, { id: 42, settings: {} });
    expect(tracking).toBeDefined();
    const render = createRenderer(message, tracking);
    const a = render('Ann', { run: 3, recipient: 'tg:5' });
    const b = render('Bob', { run: 3, recipient: 'tg:6' });
    const urls = (c: typeof a) => [
      c.entities.find((e) => e.type === 'text_link')?.url ?? '',
      /https:\/\/bot\.example\/c\/\S+/.exec(c.text)?.[0] ?? '',
      c.buttons?.[0]?.[0]?.url ?? '',
    ];
    const secret = trackingSecret(BOT_TOKEN);
    const links = messageLinks(message);
    for (const [i, url] of urls(a).entries()) {
      expect(url.startsWith('https://bot.example/c/')).toBe(true);
      const token = readClickToken(secret, url.slice('https://bot.example/c/'.length));
      expect(token).toMatchObject({ campaignId: 42, run: 3, recipient: 'tg:5', link: i });
      expect(resolveLink(links, token!)).toBe(links[i]);
    }
    expect(urls(b)[0]).not.toBe(urls(a)[0]);
  });

  it('keeps bare URLs as written when the tracked ones would pass the length limit', () => {
    const long = {
      text: `${'x'.repeat(4060)} https://shop.example/p`,
      buttons: [[{ text: 'Go', url: 'https://q.example' }]],
    };
    const render = createRenderer(long, linkTrackingFor(config, { id: 1, settings: {} }));
    const c = render(undefined, { run: 1, recipient: 'tg:1' });
    expect(c.text.endsWith('https://shop.example/p')).toBe(true);
    expect(c.buttons?.[0]?.[0]?.url.startsWith('https://bot.example/c/')).toBe(true);
  });

  it('rewrites plain text for WhatsApp', () => {
    const tracking = linkTrackingFor(config, { id: 7, settings: {} });
    const out = trackPlainText('Sale: https://shop.example/p!', tracking, {
      run: 1,
      recipient: 'wa:+4915112345678',
    });
    expect(out).toMatch(/^Sale: https:\/\/bot\.example\/c\/[\w.-]+!$/);
    expect(trackPlainText('Sale: https://shop.example/p', undefined, { run: 1, recipient: 'wa:+1' })).toBe(
      'Sale: https://shop.example/p',
    );
  });
});
