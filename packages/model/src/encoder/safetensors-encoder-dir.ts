import { ModelError, quote } from '@senti/errors';

/** The encoder directory senti writes from a safetensors-only model directory (the graph builder lands next). */
export async function writeSafetensorsEncoderDir(modelDir: string, _cacheDir: string): Promise<string> {
  throw new ModelError('MODEL_UNSUPPORTED_LAYOUT', `${quote(modelDir)} ships safetensors weights only, which this build cannot load yet; use a directory with onnx/model.onnx`, 'input');
}
