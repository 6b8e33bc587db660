import { Worker } from 'node:worker_threads';
import { containerBootstrap } from '@nlpjs/core';
import { LangEn } from '@nlpjs/lang-en-min';
import { LangRu } from '@nlpjs/lang-ru';
import { Nlp } from '@nlpjs/nlp';
import {
  detectLanguage,
  type Intent,
  TRAINING_LANGUAGES,
  type TrainingLanguage,
} from '../domain/training.js';

/**
 * The text classifier behind training: NLP.js's neural intent classifier over stemmed tokens
 * (Porter-style stemmers for English, Snowball for Russian). It runs in process, reads no files and
 * no environment (we only use @nlpjs/core's in-memory container), and exports as a JSON string, which
 * is what we store in MongoDB.
 */

export interface Classification {
  /** the best intent, or null when nothing in the model resembles the text */
  intent: string | null;
  /** 0–1 */
  confidence: number;
  language: TrainingLanguage;
  /**
   * Whether the text shares a content word (stemmed, stop words left out) with the examples of the
   * intent. A small model is often confident about texts it has never seen anything like ("who are
   * you?" → 91 % "hours"); such a guess is not sent automatically.
   */
  matched: boolean;
}

export interface Classifier {
  readonly languages: readonly TrainingLanguage[];
  classify(text: string): Promise<Classification>;
  /** the model as JSON, to store */
  serialize(): string;
}

const NONE = 'None';

interface Tools {
  get(name: string): unknown;
}
interface TextTools {
  tokenize(text: string, normalize: boolean): string[];
  removeStopwords(tokens: string[]): string[];
  stemWords(tokens: string[]): string[];
}

/** The content words of a text, stemmed: the library's tokenizer, stop words and stemmer. */
function contentStems(container: Tools, language: TrainingLanguage, text: string): string[] {
  const tool = (kind: string) => container.get(`${kind}-${language}`) as TextTools;
  const tokens = tool('tokenizer').tokenize(text, true);
  const content = tool('stopwords').removeStopwords(tokens);
  return tool('stemmer').stemWords(content.length > 0 ? content : tokens);
}

async function newNlp(languages: readonly TrainingLanguage[]): Promise<{ nlp: Nlp; container: Tools }> {
  const container = await containerBootstrap();
  container.use(LangEn);
  container.use(LangRu);
  const nlp = new Nlp({
    container,
    languages: [...languages],
    // Never the library's file-based model.nlp: the model is stored by the training service.
    autoSave: false,
    autoLoad: false,
    calculateSentiment: false,
    nlu: { log: false },
  });
  return { nlp, container: container as unknown as Tools };
}

/** Content stems per intent, for the `matched` check. */
type Vocabulary = Record<string, string[]>;

function wrap(
  nlp: Nlp,
  container: Tools,
  languages: readonly TrainingLanguage[],
  vocabulary: Vocabulary | undefined,
): Classifier {
  const known = new Map(Object.entries(vocabulary ?? {}).map(([intent, stems]) => [intent, new Set(stems)]));
  const matches = (intent: string, language: TrainingLanguage, text: string) => {
    const stems = known.get(intent);
    // Models stored before the vocabulary existed: no check.
    if (!stems) return vocabulary === undefined;
    return contentStems(container, language, text).some((s) => stems.has(s));
  };
  return {
    languages,
    async classify(text) {
      const language = detectLanguage(text);
      if (!languages.includes(language)) return { intent: null, confidence: 0, language, matched: false };
      const result = await nlp.process(language, text);
      // Below the library's own cut-off (None) keep its best guess, with its (low) score, for the tester.
      const best =
        result.intent && result.intent !== NONE
          ? { intent: result.intent, score: result.score }
          : result.classifications?.find((c) => c.intent !== NONE && c.score > 0);
      if (!best) return { intent: null, confidence: 0, language, matched: false };
      return {
        intent: best.intent,
        confidence: best.score,
        language,
        matched: matches(best.intent, language, text),
      };
    },
    serialize: () => JSON.stringify({ languages, vocabulary, nlp: nlp.export(true) }),
  };
}

/** Trains on every example, each in the language it is written in. */
export async function trainClassifier(intents: readonly Intent[]): Promise<Classifier> {
  const byLanguage = new Map<TrainingLanguage, { text: string; intent: string }[]>();
  for (const intent of intents) {
    for (const example of intent.examples) {
      const language = detectLanguage(example);
      const list = byLanguage.get(language) ?? [];
      list.push({ text: example, intent: intent.name });
      byLanguage.set(language, list);
    }
  }
  const languages = TRAINING_LANGUAGES.filter((l) => byLanguage.has(l));
  const { nlp, container } = await newNlp(languages);
  const vocabulary: Vocabulary = {};
  for (const [language, docs] of byLanguage) {
    for (const doc of docs) {
      nlp.addDocument(language, doc.text, doc.intent);
      const stems = new Set([
        ...(vocabulary[doc.intent] ?? []),
        ...contentStems(container, language, doc.text),
      ]);
      vocabulary[doc.intent] = [...stems];
    }
  }
  await nlp.train();
  return wrap(nlp, container, languages, vocabulary);
}

/** A stored model back in memory. */
export async function loadClassifier(serialized: string): Promise<Classifier> {
  const stored = JSON.parse(serialized) as {
    languages: TrainingLanguage[];
    vocabulary?: Vocabulary;
    nlp: string;
  };
  const languages = stored.languages.filter((l) => (TRAINING_LANGUAGES as readonly string[]).includes(l));
  const { nlp, container } = await newNlp(languages);
  nlp.import(stored.nlp);
  return wrap(nlp, container, languages, stored.vocabulary);
}

/**
 * trainClassifier in a worker thread: training is one synchronous stretch of CPU (0.4 s for the
 * largest allowed set on a quiet 2-core machine, longer under load) that would otherwise stop the
 * bot from answering and the dispatcher from sending meanwhile. The worker sends back the
 * serialized model, loaded here as a stored one would be.
 */
export function trainInWorker(intents: readonly Intent[]): Promise<Classifier> {
  const fromSource = import.meta.url.endsWith('.ts');
  const file = new URL(`./training-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url);
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      fn();
    };
    // From sources, the worker first registers tsx's loader, then imports its .ts file.
    const worker = fromSource
      ? new Worker(
          `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(file.href)}); });`,
          { eval: true, workerData: { intents }, execArgv: [] },
        )
      : new Worker(file, { workerData: { intents }, execArgv: [] });
    worker.once('message', (model: string) => {
      settle(() => loadClassifier(model).then(resolve, reject));
      void worker.terminate();
    });
    worker.once('error', (err) => settle(() => reject(err)));
    worker.once('exit', (code) =>
      settle(() => reject(new Error(`the training worker stopped (exit ${code})`))),
    );
  });
}
