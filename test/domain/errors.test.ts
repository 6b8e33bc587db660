import { describe, expect, it } from 'vitest';
import {
  DomainError,
  IllegalTransitionError,
  MessageTooLongError,
  UnfilledPlaceholderError,
  UnknownTimeZoneError,
} from '../../src/domain/errors.js';

describe('DomainError', () => {
  it('carries a kebab-case code, params for the translation, and the subclass name', () => {
    const error = new MessageTooLongError(4097, 4096);
    expect(error).toBeInstanceOf(DomainError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('MessageTooLongError');
    expect(error.code).toBe('message-too-long');
    expect(error.params).toEqual({ length: 4097, limit: 4096 });
    expect(error.message).toBe('Message is 4097 characters, the limit is 4096');
  });

  it('names the offending values', () => {
    expect(new IllegalTransitionError('published', 'pause').params).toEqual({
      from: 'published',
      action: 'pause',
    });
    expect(new UnknownTimeZoneError('Mars/Base').params).toEqual({ zone: 'Mars/Base' });
  });

  it('lists unfilled placeholders in brackets for the message and keeps the raw names', () => {
    const error = new UnfilledPlaceholderError(['CODE', 'Link']);
    expect(error.params).toEqual({ placeholders: '[CODE], [Link]', count: 2 });
    expect(error.placeholders).toEqual(['CODE', 'Link']);
  });

  it('uses codes that are all kebab-case', async () => {
    const errors = await import('../../src/domain/errors.js');
    const samples: DomainError[] = [
      new errors.IllegalTransitionError('a', 'b'),
      new errors.CampaignNotEditableError('published'),
      new errors.PastScheduleError(new Date(0)),
      new errors.UnknownTimeZoneError('x'),
      new errors.InvalidDateError('x'),
      new errors.DateTooFarError('2206-01-01', '2100-12-31'),
      new errors.InvalidTimeError('x'),
      new errors.EndBeforeStartError('2026-01-01', '2026-02-01'),
      new errors.InvalidCronError('x', 'bad'),
      new errors.MessageTooLongError(1, 0),
      new errors.EmptyMessageError(),
      new errors.EmptyNameError(),
      new errors.NameTooLongError(101, 100),
      new errors.UnfilledPlaceholderError(['X']),
      new errors.UnsupportedMediaError('x/y'),
      new errors.MediaTooLargeError(2, 1),
      new errors.FeatureNotAvailableError('feature', 'telegram'),
      new errors.EmptyAudienceError(),
      new errors.InvalidButtonLayoutError(8, 3),
      new errors.InvalidButtonTextError(1, 1, 64),
      new errors.InvalidButtonUrlError('ftp://x'),
    ];
    const codes = samples.map((e) => e.code);
    for (const code of codes) expect(code).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
