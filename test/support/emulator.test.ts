import { Bot, GrammyError, HttpError, InlineKeyboard, InputFile } from 'grammy';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotApiEmulator } from './bot-api-emulator.js';
import { TelegramUser } from './telegram-user.js';

let emu: BotApiEmulator;
let bot: Bot;
let running: Promise<void> | undefined;
let botErrors: unknown[];

const alice = { id: 501, first_name: 'Alice', username: 'alice' };

async function startBot(b: Bot = bot): Promise<void> {
  b.catch((err) => botErrors.push(err.error));
  running = b.start({ timeout: 30 }).catch((err: unknown) => void botErrors.push(err));
  await emu.waitForPolling();
}

async function rejection(p: Promise<unknown>): Promise<GrammyError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(GrammyError);
  return err as GrammyError;
}

beforeEach(async () => {
  emu = new BotApiEmulator();
  await emu.start();
  bot = new Bot(emu.token, { client: { apiRoot: emu.apiRoot } });
  botErrors = [];
  running = undefined;
});

afterEach(async () => {
  if (bot.isRunning()) await bot.stop();
  await running;
  await emu.stop();
  expect(botErrors).toEqual([]);
});

describe('BotApiEmulator driven by a real grammY bot', () => {
  it('handles /start and the reply arrives in the chat', async () => {
    bot.command('start', (ctx) => ctx.reply(`Welcome, ${ctx.from?.first_name}!`));
    await startBot();
    const user = new TelegramUser(emu, alice);
    const reply = await user.sendAndWait('/start', /Welcome/);
    expect(reply.text).toBe('Welcome, Alice!');
    expect(reply.from?.username).toBe('test_bot');
    expect(reply.chat).toMatchObject({ id: alice.id, type: 'private' });
    expect(emu.sentTo(alice.id)).toHaveLength(1);
    expect(emu.callsOf('getMe')).toHaveLength(1);
  });

  it('delivers a pressed inline button as callback_query, and edits return the edited message', async () => {
    bot.command('menu', (ctx) =>
      ctx.reply('Pick one', {
        reply_markup: new InlineKeyboard().text('Stats', 'stats:12').url('Docs', 'https://example.com'),
      }),
    );
    bot.callbackQuery(/^stats:(\d+)$/, async (ctx) => {
      await ctx.answerCallbackQuery({ text: 'Loading' });
      const edited = await ctx.editMessageText(`Stats for ${ctx.match[1]}`);
      if (edited === true || !('text' in edited) || edited.text !== 'Stats for 12')
        throw new Error('edit did not return the message');
    });
    await startBot();
    const user = new TelegramUser(emu, alice);
    const menu = await user.sendAndWait('/menu', 'Pick one');
    expect(user.buttons()).toEqual([['Stats', 'Docs']]);
    expect(() => user.pressButton('Docs')).toThrow(/is a URL button/);
    expect(() => user.pressButton('Nope')).toThrow(/Visible buttons:[\s\S]*\[Stats\] \[Docs\]/);
    const press = user.pressButton('Stats');
    expect(press.data).toBe('stats:12');
    const edited = await user.waitForReply(/Stats for/);
    expect(edited.message_id).toBe(menu.message_id);
    expect(edited.reply_markup).toBeUndefined();
    expect(await user.waitForAnswer(press)).toMatchObject({ text: 'Loading' });
    expect(emu.messagesIn(alice.id).map((m) => m.text)).toEqual(['Stats for 12']);

    const direct = await bot.api.editMessageText(alice.id, menu.message_id, 'Changed');
    expect(direct).toMatchObject({ message_id: menu.message_id, text: 'Changed' });
    const same = await rejection(bot.api.editMessageText(alice.id, menu.message_id, 'Changed'));
    expect(same.description).toMatch(/^Bad Request: message is not modified/);
    const missing = await rejection(bot.api.editMessageText(alice.id, 9999, 'x'));
    expect(missing.description).toBe('Bad Request: message to edit not found');
  });

  it('long polling waits for an update instead of busy polling', async () => {
    bot.on('message:text', (ctx) => ctx.reply(`echo ${ctx.msg.text}`));
    await startBot();
    const before = emu.callsOf('getUpdates').length;
    const user = new TelegramUser(emu, alice);
    setTimeout(() => user.send('late'), 300);
    const reply = await user.waitForReply(/echo late/);
    expect(reply.text).toBe('echo late');
    expect(emu.callsOf('getUpdates').length - before).toBeLessThanOrEqual(2);
    const delivering = emu.callsOf('getUpdates').at(-1);
    expect(delivering?.durationMs).toBeGreaterThanOrEqual(250);
  });

  it('confirms updates through offset: nothing is redelivered, not even to a restarted bot', async () => {
    let handled = 0;
    bot.on('message', () => {
      handled++;
    });
    await startBot();
    const user = new TelegramUser(emu, alice);
    user.send('one');
    user.send('two');
    await emu.waitFor(() => handled === 2);
    await bot.stop();
    await running;
    expect(emu.pendingUpdates()).toEqual([]);

    const second = new Bot(emu.token, { client: { apiRoot: emu.apiRoot } });
    let handledBySecond = 0;
    second.on('message', () => {
      handledBySecond++;
    });
    await startBot(second);
    user.send('three');
    await emu.waitFor(() => handledBySecond === 1);
    await second.stop();
    expect(handled).toBe(2);
    expect(handledBySecond).toBe(1);
  });

  it('getUpdates honours offset and limit on direct calls', async () => {
    const user = new TelegramUser(emu, alice);
    user.send('a');
    user.send('b');
    user.send('c');
    const first = await bot.api.getUpdates({ limit: 2 });
    expect(first.map((u) => u.message?.text)).toEqual(['a', 'b']);
    const rest = await bot.api.getUpdates({ offset: first[1]!.update_id + 1 });
    expect(rest.map((u) => u.message?.text)).toEqual(['c']);
    expect(await bot.api.getUpdates({ offset: rest[0]!.update_id + 1 })).toEqual([]);
    expect(await bot.api.getUpdates()).toEqual([]);
  });

  it('rejects a 4097-character message with the real description, counting text after HTML parsing', async () => {
    const err = await rejection(bot.api.sendMessage(alice.id, 'x'.repeat(4097)));
    expect(err.error_code).toBe(400);
    expect(err.description).toBe('Bad Request: chat not found');
    emu.addUser(alice);
    const long = await rejection(bot.api.sendMessage(alice.id, 'x'.repeat(4097)));
    expect(long.description).toBe('Bad Request: message is too long');
    const html = await bot.api.sendMessage(alice.id, `<b>${'x'.repeat(4096)}</b>`, { parse_mode: 'HTML' });
    expect(html.text).toHaveLength(4096);
    expect(html.entities).toEqual([{ type: 'bold', offset: 0, length: 4096 }]);
    expect((await rejection(bot.api.sendMessage(alice.id, ' '))).description).toBe(
      'Bad Request: message text is empty',
    );
    expect(
      (await rejection(bot.api.sendMessage(alice.id, '<b>open', { parse_mode: 'HTML' }))).description,
    ).toBe(`Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`);
    expect(
      (await rejection(bot.api.sendMessage(alice.id, 'Total: 5.', { parse_mode: 'MarkdownV2' }))).description,
    ).toBe(
      `Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'`,
    );
    const md = await bot.api.sendMessage(alice.id, '*Total:* 5\\.', { parse_mode: 'MarkdownV2' });
    expect(md).toMatchObject({ text: 'Total: 5.', entities: [{ type: 'bold', offset: 0, length: 6 }] });
    const caption = await rejection(
      bot.api.sendPhoto(alice.id, new InputFile(Buffer.from('img'), 'a.jpg'), { caption: 'c'.repeat(1025) }),
    );
    expect(caption.description).toBe('Bad Request: message caption is too long');
    const data = await rejection(
      bot.api.sendMessage(alice.id, 'hi', { reply_markup: new InlineKeyboard().text('x', 'd'.repeat(65)) }),
    );
    expect(data.description).toBe('Bad Request: BUTTON_DATA_INVALID');
  });

  it('injects 429 with retry_after, visible to a handler as GrammyError', async () => {
    const seen: GrammyError[] = [];
    bot.command('ping', async (ctx) => {
      await ctx.reply('pong').catch((e: unknown) => {
        if (e instanceof GrammyError) seen.push(e);
      });
      await ctx.reply('pong again');
    });
    await startBot();
    emu.failNext({ method: 'sendMessage', chatId: alice.id, error: { retryAfter: 7 } });
    const user = new TelegramUser(emu, alice);
    await user.sendAndWait('/ping', 'pong again');
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({
      error_code: 429,
      description: 'Too Many Requests: retry after 7',
      parameters: { retry_after: 7 },
    });
    expect(emu.sentTo(alice.id)).toHaveLength(1);
    expect(emu.callsOf('sendMessage').filter((c) => c.injected)).toHaveLength(1);
  });

  it('answers migration errors with migrate_to_chat_id, injected or after a real upgrade', async () => {
    const group = { id: -4001, type: 'group' as const, title: 'Fans' };
    emu.addChat(group);
    emu.failNext({ method: 'sendMessage', chatId: group.id, error: { migrateToChatId: -1004001 } });
    const injected = await rejection(bot.api.sendMessage(group.id, 'hi'));
    expect(injected.description).toBe('Bad Request: group chat was upgraded to a supergroup chat');
    expect(injected.parameters.migrate_to_chat_id).toBe(-1004001);

    const newId = emu.migrateChat(group.id);
    const real = await rejection(bot.api.sendMessage(group.id, 'hi'));
    expect(real.parameters.migrate_to_chat_id).toBe(newId);
    expect((await bot.api.sendMessage(newId, 'hi')).chat).toMatchObject({
      id: newId,
      type: 'supergroup',
      title: 'Fans',
    });
    const updates = await bot.api.getUpdates();
    expect(updates.map((u) => u.message?.migrate_to_chat_id ?? u.message?.migrate_from_chat_id)).toEqual([
      newId,
      group.id,
    ]);
  });

  it('answers 403 for blocked users, kicked bots and deactivated accounts; drops connections on demand', async () => {
    const user = new TelegramUser(emu, alice);
    user.blockBot();
    expect((await rejection(bot.api.sendMessage(alice.id, 'hi'))).description).toBe(
      'Forbidden: bot was blocked by the user',
    );
    user.unblockBot();
    await bot.api.sendMessage(alice.id, 'hi');
    emu.failNext({ chatId: alice.id, error: 'deactivated' });
    expect((await rejection(bot.api.sendMessage(alice.id, 'hi'))).error_code).toBe(403);
    emu.addChat({ id: -100777, type: 'supergroup', title: 'Shop' });
    emu.botRemovedFrom(-100777, user.user);
    expect((await rejection(bot.api.sendMessage(-100777, 'hi'))).description).toBe(
      'Forbidden: bot was kicked from the supergroup chat',
    );
    emu.failNext({ method: 'sendMessage', error: 'drop' });
    await expect(bot.api.sendMessage(alice.id, 'hi')).rejects.toBeInstanceOf(HttpError);
    emu.failNext({ method: 'sendMessage', error: 'server_error' });
    expect((await rejection(bot.api.sendMessage(alice.id, 'hi'))).error_code).toBe(500);
    const unknown = await fetch(`${emu.apiRoot}/bot${emu.token}/frobnicate`, { method: 'POST' });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
  });

  it('fault rates are deterministic for a seed', async () => {
    emu.addUser(alice);
    const outcomes = async () => {
      emu.setSeed(42);
      emu.setFaultRate({ method: 'sendMessage', rate: 0.5, error: 'server_error' });
      const r: boolean[] = [];
      for (let i = 0; i < 12; i++)
        r.push(
          await bot.api.sendMessage(alice.id, `m${i}`).then(
            () => true,
            () => false,
          ),
        );
      return r;
    };
    const a = await outcomes();
    const b = await outcomes();
    expect(a).toEqual(b);
    expect(a).toContain(true);
    expect(a).toContain(false);
  });

  it('records multipart uploads of an InputFile buffer', async () => {
    emu.addUser(alice);
    const csv = Buffer.from('name,phone\nBob,+15550001\n');
    const sent = await bot.api.sendDocument(alice.id, new InputFile(csv, 'report.csv'), {
      caption: 'Report <b>Q3</b>',
      parse_mode: 'HTML',
    });
    const call = emu.callsOf('sendDocument')[0]!;
    expect(call.files).toHaveLength(1);
    expect(call.files[0]).toMatchObject({ fileName: 'report.csv', size: csv.length });
    expect(call.files[0]!.content.equals(csv)).toBe(true);
    expect(sent.document).toMatchObject({
      file_name: 'report.csv',
      mime_type: 'text/csv',
      file_size: csv.length,
    });
    expect(sent.caption).toBe('Report Q3');
    const file = await bot.api.getFile(sent.document!.file_id);
    const body = await fetch(`${emu.apiRoot}/file/bot${emu.token}/${file.file_path}`);
    expect(Buffer.from(await body.arrayBuffer()).equals(csv)).toBe(true);
  });

  it('lets the bot download a document the user sent (getFile + file URL)', async () => {
    bot.on('message:document', async (ctx) => {
      const file = await ctx.getFile();
      const res = await fetch(`${emu.apiRoot}/file/bot${emu.token}/${file.file_path}`);
      const text = await res.text();
      await ctx.reply(`got ${ctx.msg.document.file_name}: ${text.split('\n').length - 1} rows`);
    });
    await startBot();
    const user = new TelegramUser(emu, alice);
    user.sendDocument({ fileName: 'contacts.csv', mime: 'text/csv', content: 'name\nA\nB\n' });
    expect((await user.waitForReply()).text).toBe('got contacts.csv: 3 rows');
  });

  it('matches group commands addressed to this bot and reports my_chat_member', async () => {
    const events: string[] = [];
    bot.command('optout', (ctx) => ctx.reply('Group removed'));
    bot.on('my_chat_member', (ctx) => {
      events.push(`${ctx.chat.id}:${ctx.myChatMember.new_chat_member.status}`);
    });
    await startBot();
    const owner = new TelegramUser(emu, { id: 601, first_name: 'Owner' });
    const group = { id: -100900, type: 'supergroup' as const, title: 'Deals' };
    emu.botAddedTo(group, owner.user, 'administrator');
    await emu.waitFor(() => events.length === 1);
    const inGroup = owner.in(group.id);
    inGroup.send('/optout@other_bot');
    const reply = await inGroup.sendAndWait('/optout@test_bot');
    expect(reply.text).toBe('Group removed');
    expect(emu.sentTo(group.id)).toHaveLength(1);
    const member = await bot.api.getChatMember(group.id, owner.id);
    expect(member.status).toBe('creator');
    expect(await bot.api.getChatMemberCount(group.id)).toBeGreaterThanOrEqual(2);
    expect(events).toEqual(['-100900:administrator']);
  });

  it('waitFor rejects with the recent calls listed', async () => {
    emu.addUser(alice);
    await bot.api.sendMessage(alice.id, 'hello there');
    await expect(emu.waitFor(() => emu.sentTo(alice.id).length > 1, 100)).rejects.toThrow(
      /sendMessage chat=501 "hello there" → ok/,
    );
  });

  it('stop() ends pending long polls quickly', async () => {
    const poll = bot.api.getUpdates({ timeout: 30 }).catch((e: unknown) => e);
    await emu.waitForPolling();
    const t0 = Date.now();
    await emu.stop();
    await poll;
    expect(Date.now() - t0).toBeLessThan(1000);
    await emu.stop();
  });
});
