// The model thread: loads the servable model here, off the caller's event loop, and answers predict requests one at a
// time. Started by `loadModelInThread` with the model directory and load options as workerData.
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorRecord } from '@senti/errors';
import type { LoadModelOptions } from '../artifact/load-model.js';
import { loadClassifier } from './load-classifier.js';
import type { Classifier } from './classifier.js';
import { planExplanations } from '../explain/explain-texts.js';
import type { ExplainOptions } from '../explain/explanation.js';
import type { ThreadReply, ThreadRequest } from './thread-messages.js';

const port = parentPort!;
const { dir, options } = workerData as { dir: string; options: LoadModelOptions };
const reply = (message: ThreadReply) => port.postMessage(message);

let model: Classifier | undefined;
try {
  model = await loadClassifier(dir, options);
  reply({ type: 'loaded', info: model.info });
} catch (error) {
  reply({ type: 'load-failed', error: toErrorRecord(error) });
}

// Requests run in arrival order, one at a time (the predictor sends one batch at a time anyway).
let queue = Promise.resolve();
port.on('message', (request: ThreadRequest) => {
  queue = queue.then(async () => {
    if (request.type === 'dispose') {
      await model?.dispose();
      model = undefined;
      reply({ type: 'disposed' });
      port.close();
      return;
    }
    try {
      if (model === undefined) throw new Error('the model thread holds no model');
      if (request.type === 'plan-explanations') {
        const options = request.maxWords === undefined ? {} : { maxWords: request.maxWords };
        reply({ type: 'planned', id: request.id, plans: await planOrWhole(model, request.texts, options) });
        return;
      }
      reply({ type: 'predicted', id: request.id, predictions: await model.predict(request.texts) });
    } catch (error) {
      reply({ type: 'predict-failed', id: request.id, error: toErrorRecord(error) });
    }
  });
});

/** The model's own plan (its tokenizer's window), else texts explained whole. */
async function planOrWhole(served: Classifier, texts: readonly string[], options: ExplainOptions) {
  return served.planExplanations
    ? served.planExplanations(texts, options)
    : planExplanations(texts, undefined, options);
}
