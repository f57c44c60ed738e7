import type { Prediction, SentiManifest, SentiModel } from '@senti/model';

export type { Prediction, SentiManifest };

/** The part of a loaded `SentiModel` the server uses; tests may pass anything with this shape. */
export type ServedModel = Pick<SentiModel, 'manifest' | 'predict' | 'dispose'>;

/** Loads the model the server serves; called once at startup. */
export type ModelLoader = () => Promise<ServedModel>;
