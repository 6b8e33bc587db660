import type { CallbackQuery, Chat, InlineKeyboardButton, Message, MessageEntity, User } from 'grammy/types';
import type { BotApiEmulator, ChatInit, UserInit } from './bot-api-emulator.js';

export type MessageMatcher = string | RegExp | ((message: Message) => boolean);

const COMMAND_RE = /^\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?/;

function matches(message: Message, matcher: MessageMatcher | undefined): boolean {
  if (matcher === undefined) return true;
  if (typeof matcher === 'function') return matcher(message);
  const text = message.text ?? message.caption ?? '';
  return typeof matcher === 'string' ? text.includes(matcher) : matcher.test(text);
}

function describe(matcher: MessageMatcher | undefined): string {
  if (matcher === undefined) return '';
  return typeof matcher === 'function' ? 'predicate' : String(matcher);
}

/**
 * A person talking to the bot through the emulator. Replies are awaited from a cursor that moves on every
 * action (send, press) and on every consumed reply, so `send` then `waitForReply` never races the bot.
 */
export class TelegramUser {
  readonly user: User;
  readonly chat: Chat;
  private cursor: number;

  constructor(
    readonly emulator: BotApiEmulator,
    user: UserInit,
    chat?: ChatInit | number,
  ) {
    this.user = emulator.addUser(user);
    const chatId = typeof chat === 'number' ? chat : (chat?.id ?? user.id);
    if (typeof chat === 'object' && !emulator.chat(chat.id)) emulator.addChat(chat);
    if (chatId !== user.id && emulator.chat(chatId)?.type !== 'channel') {
      emulator.setMember(chatId, user.id, emulator.memberStatus(chatId, user.id) ?? 'member');
    }
    this.chat = emulator.telegramChat(chatId);
    this.cursor = emulator.eventSeq;
  }

  get id(): number {
    return this.user.id;
  }

  /** The same person in another chat (a group they are in). */
  in(chat: ChatInit | number): TelegramUser {
    return new TelegramUser(this.emulator, this.user as UserInit, chat);
  }

  send(text: string, opts: { replyTo?: number; entities?: MessageEntity[] } = {}): Message {
    const command = COMMAND_RE.exec(text);
    const entities = [
      ...(command ? [{ type: 'bot_command', offset: 0, length: command[0].length } as MessageEntity] : []),
      ...(opts.entities ?? []),
    ];
    return this.deliver({
      text,
      entities: entities.length ? entities : undefined,
      reply_to_message:
        opts.replyTo === undefined ? undefined : this.emulator.message(this.chat.id, opts.replyTo),
    });
  }

  sendDocument(opts: {
    fileName: string;
    mime?: string;
    content: Buffer | string;
    caption?: string;
  }): Message {
    const f = this.emulator.storeFile('document', opts.fileName, opts.mime, opts.content);
    return this.deliver({ document: this.emulator.mediaObject('document', f), caption: opts.caption });
  }

  sendPhoto(opts: { size?: number; content?: Buffer | string; caption?: string } = {}): Message {
    const content = opts.content ?? Buffer.alloc(opts.size ?? 1024, 0xff);
    const f = this.emulator.storeFile('photo', 'photo.jpg', 'image/jpeg', content);
    return this.deliver({ photo: this.emulator.mediaObject('photo', f), caption: opts.caption });
  }

  sendVideo(
    opts: {
      fileName?: string;
      mime?: string;
      size?: number;
      content?: Buffer | string;
      caption?: string;
    } = {},
  ): Message {
    const content = opts.content ?? Buffer.alloc(opts.size ?? 4096, 0x00);
    const f = this.emulator.storeFile(
      'video',
      opts.fileName ?? 'video.mp4',
      opts.mime ?? 'video/mp4',
      content,
    );
    return this.deliver({ video: this.emulator.mediaObject('video', f), caption: opts.caption });
  }

  sendAndWait(text: string, matcher?: MessageMatcher, timeoutMs?: number): Promise<Message> {
    this.send(text);
    return this.waitForReply(matcher, timeoutMs);
  }

  /** Inline buttons of a bot message (default: the latest one that has any), as rows of labels. */
  buttons(messageId?: number): string[][] {
    const m =
      messageId === undefined
        ? this.botMessages().findLast((x) => x.reply_markup?.inline_keyboard.length)
        : this.emulator.message(this.chat.id, messageId);
    return (m?.reply_markup?.inline_keyboard ?? []).map((row) => row.map((b) => b.text));
  }

  /** Labels of the current reply keyboard (custom keyboard) in this chat, if any. */
  keyboard(): string[][] | undefined {
    return this.emulator.replyKeyboard(this.chat.id);
  }

  /** Presses the inline button with this label: the latest bot message first, or the given one. */
  pressButton(label: string | RegExp, opts: { messageId?: number } = {}): CallbackQuery {
    const candidates =
      opts.messageId === undefined
        ? this.botMessages().reverse()
        : [this.emulator.message(this.chat.id, opts.messageId)].filter((m): m is Message => m !== undefined);
    const hit = (b: InlineKeyboardButton) =>
      typeof label === 'string' ? b.text === label : label.test(b.text);
    for (const m of candidates) {
      const button = m.reply_markup?.inline_keyboard.flat().find(hit);
      if (!button) continue;
      if ('url' in button) throw new Error(`button "${button.text}" is a URL button (${button.url})`);
      if (!('callback_data' in button)) throw new Error(`button "${button.text}" is not a callback button`);
      return this.pressCallbackData(button.callback_data, m.message_id);
    }
    const visible = candidates
      .filter((m) => m.reply_markup?.inline_keyboard.length)
      .map(
        (m) =>
          `  #${m.message_id}: ${m.reply_markup!.inline_keyboard.map((r) => r.map((b) => `[${b.text}]`).join(' ')).join(' / ')}`,
      );
    const where =
      opts.messageId === undefined
        ? `chat ${this.chat.id}`
        : `message ${opts.messageId} in chat ${this.chat.id}`;
    throw new Error(
      `no inline button ${String(label)} in ${where}. Visible buttons:\n${visible.join('\n') || '  (none)'}`,
    );
  }

  pressAndWait(
    label: string | RegExp,
    matcher?: MessageMatcher,
    opts: { messageId?: number; timeoutMs?: number } = {},
  ): Promise<Message> {
    this.pressButton(label, opts);
    return this.waitForReply(matcher, opts.timeoutMs);
  }

  /** A press with arbitrary data (forged or replayed), no button lookup. */
  pressCallbackData(data: string, messageId: number): CallbackQuery {
    this.cursor = this.emulator.eventSeq;
    return this.emulator.callbackQuery(this.chat.id, this.user, data, messageId);
  }

  /** Resolves with the bot's answerCallbackQuery parameters for a press. */
  waitForAnswer(
    query: CallbackQuery | string,
    timeoutMs = 5000,
  ): Promise<{ text?: string; show_alert?: boolean; url?: string }> {
    const id = typeof query === 'string' ? query : query.id;
    return this.emulator.waitFor(
      () => this.emulator.callbackAnswers.get(id),
      timeoutMs,
      `waitForAnswer(${id})`,
    );
  }

  botMessages(): Message[] {
    return this.emulator.messagesIn(this.chat.id);
  }

  lastBotMessage(): Message | undefined {
    return this.emulator.lastMessage(this.chat.id);
  }

  /** Next message the bot sends or edits in this chat after the last action / consumed reply. */
  async waitForReply(matcher?: MessageMatcher, timeoutMs = 5000): Promise<Message> {
    const after = this.cursor;
    const chatId = this.chat.id;
    const event = await this.emulator.waitFor(
      () =>
        this.emulator.events.find(
          (e) => e.seq > after && e.chatId === chatId && e.kind !== 'deleted' && matches(e.message, matcher),
        ),
      timeoutMs,
      `waitForReply(${describe(matcher)}) in chat ${chatId}`,
      () => {
        const seen = this.emulator.events.filter((e) => e.seq > after && e.chatId === chatId);
        const lines = seen.map(
          (e) => `  ${e.kind} #${e.messageId}: ${JSON.stringify(e.message.text ?? e.message.caption ?? '')}`,
        );
        return `Bot messages in this chat since the last action:\n${lines.join('\n') || '  (none)'}`;
      },
    );
    this.cursor = event.seq;
    return event.message;
  }

  /** Forget everything the bot sent so far: the next waitForReply only sees newer messages. */
  markSeen(): void {
    this.cursor = this.emulator.eventSeq;
  }

  /** The user blocks the bot: my_chat_member (kicked) is pushed, sends answer 403 blocked. */
  blockBot(): void {
    this.emulator.setBotMembership(this.user.id, 'kicked', this.user);
  }

  unblockBot(): void {
    this.emulator.setBotMembership(this.user.id, 'member', this.user);
  }

  /** The account is deleted: sends answer 403 "user is deactivated". */
  deactivate(): void {
    this.emulator.setBlocked(this.user.id, 'deactivated');
  }

  private deliver(fields: Record<string, unknown>): Message {
    this.cursor = this.emulator.eventSeq;
    return this.emulator.incomingMessage(this.chat.id, this.user, fields);
  }
}
