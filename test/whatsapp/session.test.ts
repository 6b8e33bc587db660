import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWhatsAppLink } from '../../src/services/whatsapp.service.js';
import { ADMIN_ID, createWaEnv, textsTo, type WaEnv, waitFor } from './helpers.js';
import { StandInClient } from './stand-in.js';

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('WhatsApp login from Telegram (stand-in client, Bot API emulator, real Redis)', () => {
  let env: WaEnv;
  beforeEach(async () => {
    env = await createWaEnv();
  });
  afterEach(async () => {
    await env.close();
  });

  it('a QR event becomes a PNG sent to the admins with sendPhoto; a rotated QR replaces it; ready removes it', async () => {
    const client = new StandInClient({ onInitialize: 'qr' });
    const role = env.role({ createClient: () => client });
    const link = createWhatsAppLink(env.redis, env.prefix);
    await role.start();

    const first = await waitFor('QR photo', async () => env.emulator.callsOf('sendPhoto')[0]);
    expect(first.chatId).toBe(ADMIN_ID);
    expect(first.response.ok).toBe(true);
    const file = first.files[0]!;
    expect(file.content.subarray(0, 8).equals(PNG)).toBe(true);
    expect(file.fileName).toBe('whatsapp-qr.png');
    expect(String(first.params.caption)).toContain('1');
    expect((await link.status()).state).toBe('qr');

    client.emit('qr', 'stand-in-qr-2');
    await waitFor('second QR', async () => env.emulator.callsOf('sendPhoto').length === 2);
    await waitFor('first QR deleted', async () => env.emulator.callsOf('deleteMessage').length === 1);
    const photos = env.emulator.messagesIn(ADMIN_ID).filter((m) => 'photo' in m && m.photo);
    expect(photos).toHaveLength(1);

    client.emit('authenticated');
    client.emit('ready');
    await waitFor('ready', async () => (await link.status()).state === 'ready');
    await waitFor('QR removed', async () =>
      env.emulator.messagesIn(ADMIN_ID).every((m) => !('photo' in m && m.photo)),
    );
    await waitFor('connected notice', async () => textsTo(env, ADMIN_ID).some((t) => t.includes('+49151')));
    expect((await link.status()).account).toMatch(/^\+49151•+000$/);
  });

  it('pairing code on request (a command through Redis), logout, and a QR nobody scans is given up with the browser destroyed', async () => {
    const client = new StandInClient({ onInitialize: 'qr' });
    const role = env.role({ createClient: () => client, tuning: { qrMaxShown: 2 } });
    const link = createWhatsAppLink(env.redis, env.prefix);
    await role.start();
    await waitFor('QR', async () => (await link.status()).state === 'qr');

    await link.send({ type: 'pair', by: ADMIN_ID, at: Date.now(), phone: '+4915123456789' });
    await waitFor('pairing code', async () => textsTo(env, ADMIN_ID).some((t) => t.includes('ABCD-1234')));
    expect(client.pairingRequests).toEqual(['4915123456789']);

    // a third QR is one more than allowed: login given up, the browser destroyed, the admins told
    client.emit('qr', 'q2');
    client.emit('qr', 'q3');
    await waitFor('given up', async () => (await link.status()).state === 'stopped');
    await waitFor('browser destroyed', async () => client.destroyed >= 1);
    await waitFor('told', async () =>
      textsTo(env, ADMIN_ID).some((t) => t.includes(env.translate('en', 'whatsapp-reason-qr_expired'))),
    );

    // Connect again → a fresh client that logs in, then logout
    const second = new StandInClient();
    const role2 = env.role({ createClient: () => second });
    await role.stop();
    await role2.start();
    await waitFor('ready', async () => (await link.status()).state === 'ready');
    await link.send({ type: 'logout', by: ADMIN_ID, at: Date.now() });
    await waitFor('logged out', async () => (await link.status()).state === 'logged_out');
    expect(second.loggedOut).toBe(1);
    expect(second.destroyed).toBeGreaterThanOrEqual(1);
    await waitFor('logout notice', async () =>
      textsTo(env, ADMIN_ID).some((t) => t === env.translate('en', 'whatsapp-logged-out')),
    );

    // a pairing request while not waiting for a login gets a specific answer
    await link.send({ type: 'pair', by: ADMIN_ID, at: Date.now(), phone: '+4915123456789' });
    await waitFor('pair refused', async () =>
      textsTo(env, ADMIN_ID).some((t) => t === env.translate('en', 'whatsapp-pair-unavailable')),
    );
  });

  it('a passing failure (no network) is retried by itself; a logout is not', async () => {
    const clients = [
      new StandInClient({
        onInitialize: new Error('net::ERR_INTERNET_DISCONNECTED at https://web.whatsapp.com/'),
      }),
      new StandInClient(),
    ];
    let made = 0;
    const role = env.role({
      createClient: () => clients[Math.min(made++, 1)]!,
      tuning: { reconnectDelaysMs: [200] },
    });
    const link = createWhatsAppLink(env.redis, env.prefix);
    await role.start();
    await waitFor('retry notice', async () =>
      textsTo(env, ADMIN_ID).some((t) => /Trying again by itself in 0 s/.test(t)),
    );
    await waitFor('ready after the retry', async () => (await link.status()).state === 'ready');
    expect(made).toBe(2);
    expect(clients[0]!.destroyed).toBeGreaterThanOrEqual(1);

    clients[1]!.emit('disconnected', 'LOGOUT');
    await waitFor('logged out', async () => (await link.status()).state === 'logged_out');
    await new Promise((r) => setTimeout(r, 500));
    expect(made).toBe(2);
  });
});
