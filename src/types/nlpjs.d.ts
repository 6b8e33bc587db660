/** The small part of NLP.js (MIT, no bundled types) that the training classifier uses. */
declare module '@nlpjs/core' {
  export interface Container {
    use(plugin: unknown): void;
  }
  export function containerBootstrap(settings?: Record<string, unknown>): Promise<Container>;
}

declare module '@nlpjs/nlp' {
  import type { Container } from '@nlpjs/core';

  export interface NlpResult {
    locale: string;
    intent: string;
    score: number;
    classifications?: { intent: string; score: number }[];
  }

  export class Nlp {
    constructor(settings: Record<string, unknown> & { container: Container });
    settings: Record<string, unknown>;
    addLanguage(locales: string | string[]): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    process(locale: string, utterance: string): Promise<NlpResult>;
    export(minified?: boolean): string;
    import(data: string): void;
  }
}

declare module '@nlpjs/lang-en-min' {
  export const LangEn: unknown;
}

declare module '@nlpjs/lang-ru' {
  export const LangRu: unknown;
}
