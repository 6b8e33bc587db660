import { describe, expect, it } from 'vitest';
import { defaultAudience } from '../../src/domain/campaign.js';
import {
  AUTO_REPLY_LIMIT,
  CONFIDENCE_THRESHOLD,
  decideReply,
  detectLanguage,
  type Intent,
  MIN_EXAMPLES,
  MIN_INTENTS,
  mergeExamples,
  normalizeText,
  parseExamples,
  percent,
  trainingApplies,
  validateIntent,
  validateIntentName,
  validateResponse,
  validateTrainingSet,
} from '../../src/domain/training.js';

const intent = (name: string, examples: string[]): Intent => ({ name, examples, response: `About ${name}` });

describe('training rules', () => {
  it('applies to WhatsApp and to Telegram campaigns that reach private chats, not to groups-only ones', () => {
    expect(trainingApplies('whatsapp', defaultAudience('whatsapp'))).toBe(true);
    expect(trainingApplies('telegram', { ...defaultAudience('telegram'), allSubscribers: true })).toBe(true);
    expect(trainingApplies('telegram', { ...defaultAudience('telegram'), directSubscriberIds: [5] })).toBe(
      true,
    );
    expect(
      trainingApplies('telegram', { ...defaultAudience('telegram'), groupIds: [-100], channelIds: [-200] }),
    ).toBe(false);
  });

  it('normalizes examples for comparison and detects the shipped language by script', () => {
    expect(normalizeText('  How MUCH does it cost?!  ')).toBe('how much does it cost');
    expect(normalizeText('Ещё раз — цена?')).toBe('еще раз цена');
    expect(detectLanguage('Сколько стоит?')).toBe('ru');
    expect(detectLanguage('price of the iPhone 15')).toBe('en');
    expect(detectLanguage('1234')).toBe('en');
  });

  it('parses examples one per line or separated by ;, without blanks or repeats', () => {
    expect(parseExamples('price\n\n  how much ; Price!\nCost')).toEqual(['price', 'how much', 'Cost']);
    expect(() => parseExamples(' \n ; ')).toThrow(
      expect.objectContaining({ code: 'training-empty-example' }),
    );
    expect(() => parseExamples('?!')).toThrow(expect.objectContaining({ code: 'training-empty-example' }));
    expect(() => parseExamples('x'.repeat(301))).toThrow(
      expect.objectContaining({ code: 'training-example-too-long', params: { length: 301, limit: 300 } }),
    );
    expect(mergeExamples(['price'], ['PRICE', 'cost'])).toEqual(['price', 'cost']);
  });

  it('checks names and responses (Telegram counts UTF-16 units up to 4096)', () => {
    expect(validateIntentName('  opening   hours ')).toBe('opening hours');
    expect(() => validateIntentName(' ')).toThrow(expect.objectContaining({ code: 'training-intent-name' }));
    expect(validateResponse(' ok ')).toBe('ok');
    expect(() => validateResponse('')).toThrow(expect.objectContaining({ code: 'training-empty-response' }));
    expect(() => validateResponse('😀'.repeat(2049))).toThrow(
      expect.objectContaining({ code: 'training-response-too-long', params: { length: 4098, limit: 4096 } }),
    );
    expect(validateIntent({ name: 'a', examples: ['x', 'X'], response: 'r' }).examples).toEqual(['x']);
  });

  it(`needs ${MIN_INTENTS} intents of ${MIN_EXAMPLES} examples and no example under two intents`, () => {
    const three = (p: string) => [`${p} one`, `${p} two`, `${p} three`];
    expect(() => validateTrainingSet([intent('a', three('a'))])).toThrow(
      expect.objectContaining({ code: 'training-too-few-intents', params: { count: 1, min: 2 } }),
    );
    expect(() =>
      validateTrainingSet([intent('a', three('a')), intent('b', ['b one', 'B one!', 'b two'])]),
    ).toThrow(
      expect.objectContaining({ code: 'training-too-few-examples', params: { name: 'b', count: 2, min: 3 } }),
    );
    expect(() =>
      validateTrainingSet([intent('a', three('a')), intent('b', [...three('b'), 'A two?'])]),
    ).toThrow(
      expect.objectContaining({
        code: 'training-conflict',
        params: { example: 'a two', first: 'a', second: 'b' },
      }),
    );
    expect(() => validateTrainingSet([intent('a', three('a')), intent('A', three('b'))])).toThrow(
      expect.objectContaining({ code: 'training-duplicate-intent' }),
    );
    expect(() => validateTrainingSet([intent('a', three('a')), intent('b', three('b'))])).not.toThrow();
  });

  it('sends automatically only above the threshold and within the per-contact limit', () => {
    expect(decideReply(CONFIDENCE_THRESHOLD, 0)).toBe('auto_reply');
    expect(decideReply(CONFIDENCE_THRESHOLD - 0.01, 0)).toBe('route_low_confidence');
    expect(decideReply(0.99, AUTO_REPLY_LIMIT - 1)).toBe('auto_reply');
    expect(decideReply(0.99, AUTO_REPLY_LIMIT)).toBe('route_rate_limited');
    expect(percent(0.8749)).toBe(87);
    expect(percent(1.2)).toBe(100);
  });
});
