import type { AudienceSpec, Platform } from './campaign.js';
import { DomainError } from './errors.js';
import { TEXT_LIMIT } from './message.js';

/**
 * Training: per campaign, intents (a name, example questions or keywords, a response) from which a
 * text classifier is built. The classifier itself lives in services/; the rules about what a usable
 * training set is, and when an answer is confident enough to send without a person, live here.
 */

export interface Intent {
  name: string;
  examples: string[];
  response: string;
}

/** A training set needs at least this many intents, each with at least this many examples. */
export const MIN_INTENTS = 2;
export const MIN_EXAMPLES = 3;
export const MAX_INTENTS = 30;
export const MAX_EXAMPLES = 50;
export const EXAMPLE_LIMIT = 300;
export const INTENT_NAME_LIMIT = 40;

/** Below this confidence nothing is sent automatically: the message goes to the admins. */
export const CONFIDENCE_THRESHOLD = 0.7;
/** Auto-replies to one contact within one window; further messages go to the admins. */
export const AUTO_REPLY_LIMIT = 3;
export const AUTO_REPLY_WINDOW_SECONDS = 60 * 60;

export const TRAINING_LANGUAGES = ['en', 'ru'] as const;
export type TrainingLanguage = (typeof TRAINING_LANGUAGES)[number];

export class TrainingNotApplicableError extends DomainError {
  constructor() {
    super(
      'training-groups-only',
      'Training answers private replies: this Telegram campaign only reaches groups and channels',
    );
  }
}

export class EmptyExampleError extends DomainError {
  constructor() {
    super('training-empty-example', 'An example is empty');
  }
}

export class ExampleTooLongError extends DomainError {
  constructor(length: number, limit: number) {
    super('training-example-too-long', `An example is ${length} characters, the limit is ${limit}`, {
      length,
      limit,
    });
  }
}

export class TooManyExamplesError extends DomainError {
  constructor(limit: number) {
    super('training-too-many-examples', `An intent has more than ${limit} examples`, { limit });
  }
}

export class TooManyIntentsError extends DomainError {
  constructor(limit: number) {
    super('training-too-many-intents', `More than ${limit} intents`, { limit });
  }
}

export class InvalidIntentNameError extends DomainError {
  constructor(limit: number) {
    super('training-intent-name', `An intent name needs 1-${limit} characters`, { limit });
  }
}

export class DuplicateIntentError extends DomainError {
  constructor(name: string) {
    super('training-duplicate-intent', `There is already an intent "${name}"`, { name });
  }
}

export class EmptyResponseError extends DomainError {
  constructor() {
    super('training-empty-response', 'The response is empty');
  }
}

export class ResponseTooLongError extends DomainError {
  constructor(length: number, limit: number) {
    super('training-response-too-long', `The response is ${length} characters, the limit is ${limit}`, {
      length,
      limit,
    });
  }
}

export class TooFewIntentsError extends DomainError {
  constructor(count: number, min: number) {
    super('training-too-few-intents', `${count} intents; training needs at least ${min}`, { count, min });
  }
}

export class TooFewExamplesError extends DomainError {
  constructor(name: string, count: number, min: number) {
    super('training-too-few-examples', `Intent "${name}" has ${count} examples; it needs ${min}`, {
      name,
      count,
      min,
    });
  }
}

export class ConflictingExampleError extends DomainError {
  constructor(example: string, first: string, second: string) {
    super('training-conflict', `"${example}" is an example of both "${first}" and "${second}"`, {
      example,
      first,
      second,
    });
  }
}

export class NoModelError extends DomainError {
  constructor() {
    super('training-no-model', 'The campaign has no trained model');
  }
}

/** Whether replies to this campaign can be answered: WhatsApp contacts, or Telegram private chats. */
export function trainingApplies(platform: Platform, audience: AudienceSpec): boolean {
  if (platform === 'whatsapp') return true;
  return audience.kind === 'telegram' && (audience.allSubscribers || audience.directSubscriberIds.length > 0);
}

export function assertTrainingApplies(platform: Platform, audience: AudienceSpec): void {
  if (!trainingApplies(platform, audience)) throw new TrainingNotApplicableError();
}

const length = (s: string) => Array.from(s).length;

/** Lower case, punctuation and extra spaces gone: how two examples are compared. */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}\s]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The shipped language a text is written in: Cyrillic letters mean Russian, anything else English. */
export function detectLanguage(text: string): TrainingLanguage {
  const cyrillic = text.match(/\p{Script=Cyrillic}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  return cyrillic > latin ? 'ru' : 'en';
}

export function validateIntentName(name: string): string {
  const trimmed = name.trim().replace(/\s+/g, ' ');
  if (trimmed.length === 0 || length(trimmed) > INTENT_NAME_LIMIT) {
    throw new InvalidIntentNameError(INTENT_NAME_LIMIT);
  }
  return trimmed;
}

/**
 * Examples typed one per line (or separated by `;`). Returns them trimmed, without repeats; an empty
 * input is an error, blank lines between examples are not.
 */
export function parseExamples(input: string): string[] {
  const parts = input
    .split(/[\n;]+/)
    .map((s) => s.trim().replace(/\s+/g, ' '))
    .filter((s) => s.length > 0);
  if (parts.length === 0) throw new EmptyExampleError();
  const seen = new Set<string>();
  const out: string[] = [];
  for (const part of parts) {
    if (normalizeText(part).length === 0) throw new EmptyExampleError();
    const n = length(part);
    if (n > EXAMPLE_LIMIT) throw new ExampleTooLongError(n, EXAMPLE_LIMIT);
    const key = normalizeText(part);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(part);
  }
  return out;
}

/** Adds examples to an intent's list, skipping ones it already has. */
export function mergeExamples(existing: readonly string[], added: readonly string[]): string[] {
  const seen = new Set(existing.map(normalizeText));
  const out = [...existing];
  for (const example of added) {
    const key = normalizeText(example);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(example);
  }
  if (out.length > MAX_EXAMPLES) throw new TooManyExamplesError(MAX_EXAMPLES);
  return out;
}

export function validateResponse(text: string): string {
  const trimmed = text.trim();
  if (trimmed.length === 0) throw new EmptyResponseError();
  // Telegram counts UTF-16 code units; an emoji counts twice, as it does there.
  if (trimmed.length > TEXT_LIMIT) throw new ResponseTooLongError(trimmed.length, TEXT_LIMIT);
  return trimmed;
}

/** One intent on its own (while it is being edited): a name, ≥ 1 example, a response. */
export function validateIntent(intent: Intent): Intent {
  const name = validateIntentName(intent.name);
  if (intent.examples.length === 0) throw new EmptyExampleError();
  const examples = mergeExamples([], parseExamples(intent.examples.join('\n')));
  return { name, examples, response: validateResponse(intent.response) };
}

/**
 * Whether a set of intents can be trained: at least MIN_INTENTS, each with at least MIN_EXAMPLES
 * distinct examples, and no example (after normalizing) under two intents.
 */
export function validateTrainingSet(intents: readonly Intent[]): void {
  if (intents.length < MIN_INTENTS) throw new TooFewIntentsError(intents.length, MIN_INTENTS);
  if (intents.length > MAX_INTENTS) throw new TooManyIntentsError(MAX_INTENTS);
  const owner = new Map<string, string>();
  const names = new Set<string>();
  for (const intent of intents) {
    const key = intent.name.toLowerCase();
    if (names.has(key)) throw new DuplicateIntentError(intent.name);
    names.add(key);
    const distinct = new Set(intent.examples.map(normalizeText).filter((e) => e.length > 0));
    if (distinct.size < MIN_EXAMPLES) throw new TooFewExamplesError(intent.name, distinct.size, MIN_EXAMPLES);
    for (const example of distinct) {
      const other = owner.get(example);
      if (other !== undefined && other !== intent.name) {
        throw new ConflictingExampleError(example, other, intent.name);
      }
      owner.set(example, intent.name);
    }
    validateResponse(intent.response);
  }
}

export type ReplyDecision = 'auto_reply' | 'route_low_confidence' | 'route_unmatched' | 'route_rate_limited';

/**
 * What to do with a classified reply. `matched`: the text shares a content word with the intent's
 * examples (a confident guess about words never seen is not sent); `sentRecently` counts auto-replies
 * to this contact in the current window.
 */
export function decideReply(confidence: number, sentRecently: number, matched = true): ReplyDecision {
  if (confidence < CONFIDENCE_THRESHOLD) return 'route_low_confidence';
  if (!matched) return 'route_unmatched';
  if (sentRecently >= AUTO_REPLY_LIMIT) return 'route_rate_limited';
  return 'auto_reply';
}

export const ROUTE_REASONS = ['low_confidence', 'unmatched', 'rate_limited'] as const;
export type RouteReason = (typeof ROUTE_REASONS)[number];

/** 0.8734 → 87 (percent, for people). */
export function percent(confidence: number): number {
  return Math.round(Math.max(0, Math.min(1, confidence)) * 100);
}
