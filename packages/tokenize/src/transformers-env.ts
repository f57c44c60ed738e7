import { env } from '@huggingface/transformers';

/** The transformers.js `env` settings senti changes around a load. */
export interface TransformersEnvSettings {
  /** Whether transformers.js may fetch files from the Hugging Face Hub. */
  allowRemoteModels: boolean;
}

let queue: Promise<unknown> = Promise.resolve();

/**
 * Runs `load` with transformers.js's global `env` set to `settings`, then restores the previous values.
 * Loads are serialized so that two concurrent loads never see each other's settings.
 */
export function withTransformersEnv<T>(settings: TransformersEnvSettings, load: () => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => {
    const previous = { allowRemoteModels: env.allowRemoteModels };
    env.allowRemoteModels = settings.allowRemoteModels;
    try {
      return await load();
    } finally {
      env.allowRemoteModels = previous.allowRemoteModels;
    }
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}
