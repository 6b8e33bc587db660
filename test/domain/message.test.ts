import { describe, expect, it } from 'vitest';
import type { Message, MessageMedia } from '../../src/domain/campaign.js';
import {
  EmptyMessageError,
  FeatureNotAvailableError,
  InvalidButtonLayoutError,
  InvalidButtonTextError,
  InvalidButtonUrlError,
  MediaTooLargeError,
  MessageTooLongError,
  UnfilledPlaceholderError,
  UnsupportedMediaError,
} from '../../src/domain/errors.js';
import {
  assertNoUnfilled,
  CAPTION_LIMIT,
  escapeFormatting,
  fillPlaceholders,
  findPlaceholders,
  formatFileSize,
  MB,
  mediaKindFor,
  parseFormatting,
  TEXT_LIMIT,
  telegramLength,
  textLimit,
  toTelegramHtml,
  toWhatsApp,
  validateMedia,
  validateMessage,
} from '../../src/domain/message.js';

const SEED_MESSAGE = `Flash Sale! 🔥

Get up to 50% off on all items. Hurry, limited time offer!
Shop now and save big.

Use code: FLASH50
Valid until: [Date]

Shop now: [Link]

#FlashSale #LimitedTimeOffer`;

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseFormatting', () => {
  it('parses the five seed formats', () => {
    expect(parseFormatting('*bold* _italic_ `mono` ~strike~ [site](https://example.com)')).toEqual({
      text: 'bold italic mono strike site',
      entities: [
        { type: 'bold', offset: 0, length: 4 },
        { type: 'italic', offset: 5, length: 6 },
        { type: 'code', offset: 12, length: 4 },
        { type: 'strikethrough', offset: 17, length: 6 },
        { type: 'text_link', offset: 24, length: 4, url: 'https://example.com' },
      ],
    });
  });

  it('counts offsets in UTF-16 units: an emoji before an entity shifts it by 2', () => {
    expect(parseFormatting('🔥 *Sale*')).toEqual({
      text: '🔥 Sale',
      entities: [{ type: 'bold', offset: 3, length: 4 }],
    });
    expect(parseFormatting('*🔥🔥*').entities).toEqual([{ type: 'bold', offset: 0, length: 4 }]);
  });

  it('nests entities, outer first', () => {
    expect(parseFormatting('*very _much_ so*')).toEqual({
      text: 'very much so',
      entities: [
        { type: 'bold', offset: 0, length: 12 },
        { type: 'italic', offset: 5, length: 4 },
      ],
    });
  });

  it('formats inside link text', () => {
    expect(parseFormatting('[*Shop* now](https://shop.example/sale)')).toEqual({
      text: 'Shop now',
      entities: [
        { type: 'text_link', offset: 0, length: 8, url: 'https://shop.example/sale' },
        { type: 'bold', offset: 0, length: 4 },
      ],
    });
  });

  it('keeps unmatched markers literal', () => {
    for (const input of ['*open', 'close*', 'a _b', '`tick', '~x', '**', '[Link]', '[text](', '[text]()']) {
      expect(parseFormatting(input)).toEqual({ text: input, entities: [] });
    }
  });

  it('does not format inside words or arithmetic', () => {
    for (const input of ['snake_case_name', '2*3*4', '5 * 3 * 2', 'file_v2_final.pdf', 'a~b~c']) {
      expect(parseFormatting(input)).toEqual({ text: input, entities: [] });
    }
  });

  it('requires the marked text to start and end without a space', () => {
    expect(parseFormatting('* not bold *').entities).toEqual([]);
    expect(parseFormatting('*not bold *').entities).toEqual([]);
  });

  it('only links http and https urls', () => {
    expect(parseFormatting('[x](javascript:alert(1))').entities).toEqual([]);
    expect(parseFormatting('[x](ftp://files.example)').entities).toEqual([]);
    expect(parseFormatting('[x](tg://user?id=1)').entities).toEqual([]);
    expect(parseFormatting('[x](HTTP://EXAMPLE.COM)').entities).toHaveLength(1);
  });

  it('escapes markers with a backslash', () => {
    expect(parseFormatting('\\*not bold\\*')).toEqual({ text: '*not bold*', entities: [] });
    expect(parseFormatting('\\[Name\\](https://x.y)')).toEqual({ text: '[Name](https://x.y)', entities: [] });
    expect(parseFormatting('back\\\\slash')).toEqual({ text: 'back\\slash', entities: [] });
    expect(parseFormatting('C:\\temp')).toEqual({ text: 'C:\\temp', entities: [] });
  });

  it('takes code contents literally, markers included', () => {
    expect(parseFormatting('`*x* _y_`')).toEqual({
      text: '*x* _y_',
      entities: [{ type: 'code', offset: 0, length: 7 }],
    });
    expect(parseFormatting('```FLASH50```')).toEqual({
      text: 'FLASH50',
      entities: [{ type: 'code', offset: 0, length: 7 }],
    });
  });

  it('does not close a bold span with a star inside code or a link url', () => {
    expect(parseFormatting('*a `b*c` d*')).toEqual({
      text: 'a b*c d',
      entities: [
        { type: 'bold', offset: 0, length: 7 },
        { type: 'code', offset: 2, length: 3 },
      ],
    });
  });

  it('leaves placeholders alone', () => {
    expect(parseFormatting(SEED_MESSAGE).text).toBe(SEED_MESSAGE);
    expect(parseFormatting(SEED_MESSAGE).entities).toEqual([]);
  });
});

describe('telegramLength', () => {
  it('counts UTF-16 units without the markers', () => {
    expect(telegramLength('*Flash Sale!* 🔥')).toBe('Flash Sale! 🔥'.length);
    expect(telegramLength('🔥')).toBe(2);
    expect(telegramLength('[Shop](https://example.com/very/long/url)')).toBe(4);
  });
});

describe('validateMessage length', () => {
  const fourK = '😀'.repeat(2048); // 2048 emoji, 4096 UTF-16 units

  it('accepts exactly 4096 UTF-16 units of emoji', () => {
    expect(fourK.length).toBe(TEXT_LIMIT);
    expect(() => validateMessage({ text: fourK }, 'telegram')).not.toThrow();
    expect(() => validateMessage({ text: fourK }, 'whatsapp')).not.toThrow();
  });

  it('rejects 4097 units with length and limit', () => {
    const error = thrown(() => validateMessage({ text: fourK + 'a' }, 'telegram'));
    expect(error).toBeInstanceOf(MessageTooLongError);
    expect((error as MessageTooLongError).params).toEqual({ length: 4097, limit: 4096 });
  });

  it('counts an emoji as 2: 2049 emoji are too long although they are only 2049 characters', () => {
    const error = thrown(() => validateMessage({ text: '😀'.repeat(2049) }, 'telegram'));
    expect((error as MessageTooLongError).params).toEqual({ length: 4098, limit: 4096 });
  });

  it('does not count formatting markers', () => {
    // 4 marker characters + 4096 units of content: 4100 typed, 4096 sent.
    const text = `*${'😀'.repeat(1000)}* _${'😀'.repeat(1047)}a_`;
    expect(text.length).toBe(4100);
    expect(telegramLength(text)).toBe(4096);
    expect(() => validateMessage({ text }, 'telegram')).not.toThrow();
    const over = thrown(() => validateMessage({ text: text + '!' }, 'telegram'));
    expect((over as MessageTooLongError).params).toEqual({ length: 4097, limit: 4096 });
    const withLink = `[${'😀'.repeat(2048)}](https://example.com)`;
    expect(() => validateMessage({ text: withLink }, 'telegram')).not.toThrow();
    expect(thrown(() => validateMessage({ text: withLink + '!' }, 'telegram'))).toBeInstanceOf(
      MessageTooLongError,
    );
  });

  it('limits a caption to 1024 units when media is attached, on both platforms', () => {
    const photo: MessageMedia = { kind: 'photo', mime: 'image/jpeg', size: 1.2 * MB };
    const caption = '😀'.repeat(512);
    expect(textLimit({ media: photo })).toBe(CAPTION_LIMIT);
    expect(textLimit({})).toBe(TEXT_LIMIT);
    expect(() => validateMessage({ text: caption, media: photo }, 'telegram')).not.toThrow();
    for (const platform of ['telegram', 'whatsapp'] as const) {
      const error = thrown(() => validateMessage({ text: caption + 'a', media: photo }, platform));
      expect((error as MessageTooLongError).params).toEqual({ length: 1025, limit: 1024 });
    }
  });
});

describe('validateMessage content', () => {
  it('rejects an empty or blank message without media', () => {
    expect(() => validateMessage({ text: '' }, 'telegram')).toThrow(EmptyMessageError);
    expect(() => validateMessage({ text: ' \n\t' }, 'whatsapp')).toThrow(EmptyMessageError);
  });

  it('accepts media without a caption', () => {
    const media: MessageMedia = { kind: 'photo', mime: 'image/png', size: 1000 };
    expect(() => validateMessage({ text: '', media }, 'telegram')).not.toThrow();
  });

  it('accepts the seed message', () => {
    expect(() => validateMessage({ text: SEED_MESSAGE }, 'whatsapp')).not.toThrow();
  });

  it('validates the attached media', () => {
    const media: MessageMedia = { kind: 'video', mime: 'video/quicktime', size: 1000 };
    expect(() => validateMessage({ text: 'hi', media }, 'telegram')).toThrow(UnsupportedMediaError);
  });
});

describe('buttons', () => {
  const button = { text: 'Shop now', url: 'https://shop.example' };
  const msg = (buttons: Message['buttons']): Message => ({ text: 'Sale', buttons });

  it('accepts 8 rows of 3 on Telegram', () => {
    const grid = Array.from({ length: 8 }, () => [button, button, button]);
    expect(() => validateMessage(msg(grid), 'telegram')).not.toThrow();
  });

  it('rejects a 9th row and a 4th button in a row', () => {
    const nine = Array.from({ length: 9 }, () => [button]);
    expect(() => validateMessage(msg(nine), 'telegram')).toThrow(InvalidButtonLayoutError);
    expect(() => validateMessage(msg([[button, button, button, button]]), 'telegram')).toThrow(
      InvalidButtonLayoutError,
    );
    expect(() => validateMessage(msg([[button], []]), 'telegram')).toThrow(InvalidButtonLayoutError);
  });

  it('requires a text of 1 to 64 characters and says which button', () => {
    expect(() => validateMessage(msg([[{ ...button, text: 'x'.repeat(64) }]]), 'telegram')).not.toThrow();
    const long = thrown(() =>
      validateMessage(msg([[button], [button, { ...button, text: 'x'.repeat(65) }]]), 'telegram'),
    );
    expect(long).toBeInstanceOf(InvalidButtonTextError);
    expect((long as InvalidButtonTextError).params).toEqual({ row: 2, column: 2, limit: 64 });
    expect(() => validateMessage(msg([[{ ...button, text: '  ' }]]), 'telegram')).toThrow(
      InvalidButtonTextError,
    );
  });

  it('requires an http(s) url', () => {
    for (const url of [
      'ftp://x.example',
      'javascript:alert(1)',
      'shop.example',
      'https://',
      'https://a b.example',
    ]) {
      expect(() => validateMessage(msg([[{ ...button, url }]]), 'telegram')).toThrow(InvalidButtonUrlError);
    }
    expect(() =>
      validateMessage(msg([[{ ...button, url: 'http://shop.example/a?b=c' }]]), 'telegram'),
    ).not.toThrow();
  });

  it('refuses buttons on WhatsApp', () => {
    expect(() => validateMessage(msg([[button]]), 'whatsapp')).toThrow(FeatureNotAvailableError);
    expect(() => validateMessage(msg([]), 'whatsapp')).not.toThrow();
  });
});

describe('toWhatsApp', () => {
  it('keeps bold, italic and strike, fences code and spells out links', () => {
    expect(toWhatsApp('*bold* _italic_ ~strike~ `FLASH50` [Shop now](https://shop.example)')).toBe(
      '*bold* _italic_ ~strike~ ```FLASH50``` Shop now (https://shop.example)',
    );
  });

  it('does not repeat a url used as its own label', () => {
    expect(toWhatsApp('[https://shop.example](https://shop.example)')).toBe('https://shop.example');
  });

  it('keeps formatting inside a link label', () => {
    expect(toWhatsApp('[*Shop*](https://shop.example)')).toBe('*Shop* (https://shop.example)');
  });

  it('leaves plain text as it is', () => {
    expect(toWhatsApp(SEED_MESSAGE)).toBe(SEED_MESSAGE);
  });
});

describe('toTelegramHtml', () => {
  it('renders the formats as HTML tags', () => {
    expect(toTelegramHtml('*bold* _it_ `c` ~s~ [l](https://a.example/?x=1&y=2)')).toBe(
      '<b>bold</b> <i>it</i> <code>c</code> <s>s</s> <a href="https://a.example/?x=1&amp;y=2">l</a>',
    );
  });

  it('escapes everything the admin typed', () => {
    expect(toTelegramHtml('<script>alert("x")</script> & *<b>*')).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <b>&lt;b&gt;</b>',
    );
  });

  it('nests tags properly', () => {
    expect(toTelegramHtml('*a _b_ c* 🔥 `d`')).toBe('<b>a <i>b</i> c</b> 🔥 <code>d</code>');
  });
});

describe('placeholders', () => {
  it('finds the seed template placeholders, in order and once each', () => {
    expect(
      findPlaceholders('Flash Sale! 🔥 Get up to [X]% off on [products]. Use code: [CODE] or [code]'),
    ).toEqual(['X', 'products', 'CODE']);
    expect(findPlaceholders('Introducing [Product Name]! Exclusive launch offer: [Discount]')).toEqual([
      'Product Name',
      'Discount',
    ]);
    expect(findPlaceholders(SEED_MESSAGE)).toEqual(['Date', 'Link']);
  });

  it('does not take a link label, a number or a long bracket for a placeholder', () => {
    expect(findPlaceholders('[Shop now](https://x.example) [123] [ID2] [#tag]')).toEqual([]);
    expect(findPlaceholders(`[${'a'.repeat(32)}]`)).toEqual([]);
    expect(findPlaceholders(`[${'a'.repeat(31)}]`)).toEqual(['a'.repeat(31)]);
  });

  it('fills case-insensitively and leaves unknown ones', () => {
    expect(fillPlaceholders('Hi [name], use [CODE] by [Date]', { Name: 'Ann', code: 'FLASH50' })).toBe(
      'Hi Ann, use FLASH50 by [Date]',
    );
    expect(fillPlaceholders('Meet [Event  Name]', { 'event name': 'Expo' })).toBe('Meet Expo');
  });

  it('escapes filled values so a name cannot inject formatting or placeholders', () => {
    const filled = fillPlaceholders('Hi [Name]!', { Name: '*Bob* [CODE]' });
    expect(filled).toBe('Hi \\*Bob\\* \\[CODE\\]!');
    expect(parseFormatting(filled)).toEqual({ text: 'Hi *Bob* [CODE]!', entities: [] });
    expect(findPlaceholders(filled)).toEqual([]);
    expect(fillPlaceholders('Hi [Name]!', { Name: '*Bob*' }, { escape: false })).toBe('Hi *Bob*!');
    expect(escapeFormatting('a_b')).toBe('a\\_b');
  });

  it('allows per-recipient placeholders and rejects the rest', () => {
    expect(() => assertNoUnfilled('Hi [Name] and [first name], thanks!')).not.toThrow();
    const error = thrown(() => assertNoUnfilled('Hi [Name], use [CODE]: [Link]'));
    expect(error).toBeInstanceOf(UnfilledPlaceholderError);
    expect((error as UnfilledPlaceholderError).params).toEqual({ placeholders: '[CODE], [Link]', count: 2 });
  });

  it('takes the per-recipient list from the caller', () => {
    expect(() => assertNoUnfilled('Dear [Name]', [])).toThrow(UnfilledPlaceholderError);
    expect(() => assertNoUnfilled('Order #[ID]', ['id'])).not.toThrow();
  });
});

describe('media', () => {
  it('maps the seed formats to kinds', () => {
    expect(mediaKindFor('image/jpeg')).toBe('photo');
    expect(mediaKindFor('image/JPG')).toBe('photo');
    expect(mediaKindFor('image/png')).toBe('photo');
    expect(mediaKindFor('image/gif')).toBe('photo');
    expect(mediaKindFor('video/mp4')).toBe('video');
    expect(mediaKindFor('application/pdf')).toBe('document');
    expect(mediaKindFor('application/msword')).toBe('document');
    expect(
      mediaKindFor('application/vnd.openxmlformats-officedocument.wordprocessingml.document; charset=binary'),
    ).toBe('document');
    expect(mediaKindFor('image/webp')).toBeNull();
    expect(mediaKindFor('video/quicktime')).toBeNull();
  });

  it('accepts the seed attachment flash-sale-banner.jpg (1.2 MB)', () => {
    const media: MessageMedia = {
      kind: 'photo',
      fileName: 'flash-sale-banner.jpg',
      mime: 'image/jpeg',
      size: 1.2 * MB,
    };
    expect(() => validateMedia(media, 'whatsapp')).not.toThrow();
    expect(formatFileSize(media.size)).toBe('1.2 MB');
  });

  it('rejects unsupported types and a kind that does not match the type', () => {
    const error = thrown(() => validateMedia({ kind: 'photo', mime: 'image/webp', size: 1 }, 'telegram'));
    expect((error as UnsupportedMediaError).params).toEqual({ mime: 'image/webp' });
    expect(() => validateMedia({ kind: 'video', mime: 'image/png', size: 1 }, 'telegram')).toThrow(
      UnsupportedMediaError,
    );
  });

  it.each([
    ['photo', 'image/png', 10 * MB, 'telegram'],
    ['video', 'video/mp4', 16 * MB, 'telegram'],
    ['document', 'application/pdf', 50 * MB, 'telegram'],
    ['document', 'application/pdf', 100 * MB, 'whatsapp'],
    ['video', 'video/mp4', 16 * MB, 'whatsapp'],
  ] as const)('limits a %s (%s) to %d bytes on %s', (kind, mime, limit, platform) => {
    expect(() => validateMedia({ kind, mime, size: limit }, platform)).not.toThrow();
    const error = thrown(() => validateMedia({ kind, mime, size: limit + 1 }, platform));
    expect(error).toBeInstanceOf(MediaTooLargeError);
    expect((error as MediaTooLargeError).params).toEqual({ size: limit + 1, limit });
  });

  it('formats sizes', () => {
    expect(formatFileSize(512)).toBe('512 B');
    expect(formatFileSize(2048)).toBe('2.0 KB');
    expect(formatFileSize(16 * MB)).toBe('16.0 MB');
  });
});
