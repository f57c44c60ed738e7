import * as ort from 'onnxruntime-node';
import { encodeOnnxModel, readOnnxModel } from '@senti/onnx';
import { fileSha256 } from '../encoder/file-hash.js';
import { toFloat32 } from '../encoder/float-output.js';
import { sessionOptions } from '../encoder/session-options.js';
import type { BertConfig } from './bert-config.js';
import { checkUnfreezeCount } from './layer-weights.js';
import type { StatesEncoder } from './states-encoder.js';
import { layerInputName, truncateToOutput } from './truncate-at-layer.js';

/**
 * The frozen bottom in ONNX Runtime: the encoder graph cut so that its only output is the input of layer
 * `firstLayer` (the layers below it run once, at ONNX Runtime speed, in the file's dtype). CPU execution provider.
 */
export async function createOnnxStatesEncoder(
  onnxFile: string,
  config: BertConfig,
  firstLayer: number,
  options: { threads?: number } = {},
): Promise<StatesEncoder> {
  checkUnfreezeCount(config.numHiddenLayers - firstLayer, config, onnxFile);
  const model = await readOnnxModel(onnxFile);
  const output = layerInputName(model.graph!, firstLayer, config.numHiddenLayers, onnxFile);
  const truncated = truncateToOutput(model, output, config.hiddenSize);
  const session = await ort.InferenceSession.create(
    encodeOnnxModel(truncated),
    sessionOptions('cpu', options.threads) as ort.InferenceSession.SessionOptions,
  );
  const fileHash = await fileSha256(onnxFile);
  return {
    identity: { route: 'onnx', fileHash, firstLayer, hiddenSize: config.hiddenSize },
    async run(batch) {
      const dims = [batch.batchSize, batch.sequenceLength];
      const all: Record<string, BigInt64Array> = {
        input_ids: batch.inputIds,
        attention_mask: batch.attentionMask,
        token_type_ids: batch.tokenTypeIds,
      };
      const feeds: Record<string, ort.Tensor> = {};
      for (const name of session.inputNames) feeds[name] = new ort.Tensor('int64', all[name]!, dims);
      const outputs = await session.run(feeds);
      const states = outputs[session.outputNames[0]!]!;
      try {
        return Float32Array.from(toFloat32({ type: states.type, data: states.data as ArrayLike<number> }));
      } finally {
        states.dispose();
      }
    },
    async dispose() {
      await session.release();
    },
  };
}
