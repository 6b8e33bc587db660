import { chmodSync, mkdirSync } from 'node:fs';

/**
 * A directory only its owner can enter (0700), created with its missing parents (also 0700), and
 * made so when it already existed: what goes inside (a WhatsApp session, Chromium's profile) is
 * then out of other local users' reach whatever modes the libraries give their files.
 */
export function ensurePrivateDir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  chmodSync(path, 0o700);
  return path;
}
