import { parentPort, workerData } from 'node:worker_threads';
import type { Intent } from '../domain/training.js';
import { trainClassifier } from './training-classifier.js';

// Trains in a worker thread (see trainInWorker) and answers with the serialized model.
const { intents } = workerData as { intents: Intent[] };
const classifier = await trainClassifier(intents);
parentPort?.postMessage(classifier.serialize());
