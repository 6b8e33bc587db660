import type {
  AudienceSpec,
  CampaignType,
  Message,
  MessageButton,
  MessageMedia,
  Platform,
  PlatformSettings,
  TrainingStatus,
} from '../../domain/campaign.js';
import { DomainError } from '../../domain/errors.js';
import type { LocalDate, LocalTime, Recurrence } from '../../domain/schedule.js';
import type { BotDeps } from '../context.js';
import type { Wizard, WizardConversation } from './wizard-kit.js';

/**
 * The wizard's answers so far. It lives only in the conversation (rebuilt on every replay from the
 * recorded updates), so nothing reaches the database before Save draft / Schedule / Send now.
 */
export interface Draft {
  name: string;
  platform?: Platform;
  type?: CampaignType;
  audience?: AudienceSpec;
  text: string;
  templateKey?: string;
  media?: MessageMedia;
  buttons?: MessageButton[][];
  when?: 'now' | 'later';
  date?: LocalDate;
  time?: LocalTime;
  zone: string;
  recurrence: Recurrence;
  settings?: PlatformSettings;
  training: TrainingStatus;
}

export type StepId =
  | 'name'
  | 'platform'
  | 'type'
  | 'audience'
  | 'content'
  | 'schedule'
  | 'settings'
  | 'review';

/** What a step asks the wizard to do next. */
export type StepResult = 'next' | 'back' | 'done' | { goto: StepId };

export interface TestSendInput {
  platform: Platform;
  message: Message;
  settings: PlatformSettings;
  /** the admin's own chat: a Telegram test goes there */
  adminId: number;
}

export type WizardDeps = Pick<BotDeps, 'services' | 'config' | 'logger'> & {
  /** absent until test sending exists: the button then says so */
  sendTest?: (input: TestSendInput) => Promise<unknown>;
};

export interface StepEnv {
  wiz: Wizard;
  conversation: WizardConversation;
  deps: WizardDeps;
  draft: Draft;
  /** jumped here from the review's Edit: finishing (or Back) returns to the review */
  editing: boolean;
  adminId: number;
  /** names this wizard's save (NewCampaignInput.requestKey): pressing it again makes no second campaign */
  saveKey: string;
  /** the template chosen with "Start campaign from template", if any */
  template?: { key: string; name: string; text: string };
}

export type Outcome<T> =
  | { ok: true; value: T }
  | { ok: false; code: string; params: Record<string, string | number> };

/**
 * Runs a service call once (recorded for replays). Domain errors come back as data: a thrown error
 * would lose its class on the way through the conversation storage.
 */
export function attempt<T>(conversation: WizardConversation, task: () => Promise<T>): Promise<Outcome<T>> {
  return conversation.external(async (): Promise<Outcome<T>> => {
    try {
      return { ok: true, value: await task() };
    } catch (err) {
      if (err instanceof DomainError) return { ok: false, code: err.code, params: err.params };
      throw err;
    }
  });
}

export const STEP_COUNT = 6;

export function mark(on: boolean): string {
  return on ? '☑' : '☐';
}
