import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');

function files(dir: string, ext: RegExp): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path, ext);
    return ext.test(name) ? [path] : [];
  });
}

const sources = files(SRC, /\.ts$/).map((path) => ({
  path: relative(SRC, path),
  text: readFileSync(path, 'utf8'),
}));

function relativeImports(text: string): string[] {
  return [...text.matchAll(/^\s*(?:import|export)[^'"]*from\s+'(\.[^']+)'/gm)].map((m) => m[1]!);
}

/** Which top-level folder of src/ an import from `file` lands in. */
function targetLayer(file: string, spec: string): string {
  const resolved = relative(SRC, join(SRC, file, '..', spec));
  return resolved.includes('/') ? resolved.split('/')[0]! : resolved.replace(/\.js$/, '');
}

describe('layering', () => {
  // domain ← db ← services ← bot | dispatch | http; bot and dispatch never import each other, and
  // http (click redirects, webhooks) reaches the database only through services.
  const forbidden: Record<string, string[]> = {
    domain: ['db', 'services', 'bot', 'dispatch', 'http', 'main', 'config', 'logger', 'lib'],
    lib: ['domain', 'db', 'services', 'bot', 'dispatch', 'http', 'main', 'config', 'logger', 'whatsapp'],
    db: ['services', 'bot', 'dispatch', 'http', 'main'],
    services: ['bot', 'dispatch', 'http', 'main'],
    bot: ['dispatch', 'db', 'main'],
    dispatch: ['bot', 'main'],
    http: ['bot', 'dispatch', 'db', 'main'],
  };

  for (const [layer, banned] of Object.entries(forbidden)) {
    it(`${layer}/ does not import ${banned.join(', ')}`, () => {
      const offenders = sources
        .filter((f) => f.path.startsWith(`${layer}/`))
        .flatMap((f) =>
          relativeImports(f.text)
            .filter((spec) => banned.includes(targetLayer(f.path, spec)))
            .map((spec) => `${f.path} → ${spec}`),
        );
      expect(offenders).toEqual([]);
    });
  }

  it('only config.ts reads process.env', () => {
    const readers = sources
      .filter((f) => f.path !== 'config.ts' && /process\.env/.test(f.text))
      .map((f) => f.path);
    expect(readers).toEqual([]);
  });
});

describe('user-facing text', () => {
  const locales = ['en', 'ru'];
  const keys = new Map<string, Set<string>>();
  for (const locale of locales) {
    const set = new Set<string>();
    for (const path of files(join(ROOT, 'locales', locale), /\.ftl$/)) {
      for (const m of readFileSync(path, 'utf8').matchAll(/^([a-z][\w-]*)\s*=/gm)) set.add(m[1]!);
    }
    keys.set(locale, set);
  }

  it('every locale has the same keys', () => {
    const en = keys.get('en')!;
    const ru = keys.get('ru')!;
    expect([...en].filter((k) => !ru.has(k))).toEqual([]);
    expect([...ru].filter((k) => !en.has(k))).toEqual([]);
  });

  it('every literal key passed to t() exists', () => {
    const en = keys.get('en')!;
    const missing = sources.flatMap((f) =>
      [...f.text.matchAll(/\bt\(\s*'([a-z][\w-]*)'/g)]
        .map((m) => m[1]!)
        .filter((key) => !en.has(key))
        .map((key) => `${f.path}: ${key}`),
    );
    expect(missing).toEqual([]);
  });

  it('no reply, message or alert text in src/ is a string literal', () => {
    const literal =
      /\.(reply|sendMessage|editMessageText|answerCallbackQuery)\(\s*(?:[\w.]+,\s*)?(['"`])(?!\s*\2)|text:\s*(['"`])[A-Za-z]/;
    const offenders = sources
      .filter((f) => f.path.startsWith('bot/') || f.path.startsWith('dispatch/'))
      .flatMap((f) =>
        f.text
          .split('\n')
          .map((line, i) => ({ line, n: i + 1 }))
          .filter(({ line }) => literal.test(line))
          .map(({ line, n }) => `${f.path}:${n}: ${line.trim()}`),
      );
    expect(offenders).toEqual([]);
  });
});
