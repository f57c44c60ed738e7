import type { SentiManifest } from '../artifact/manifest.js';

/**
 * Which graph of the model's export its test figures belong to: `quantized` (`onnx/model_quantized.onnx`) for an int8
 * or q8 encoder, `fp32` (`onnx/model.onnx`) for an fp32 or fp16 one, none for fine-tuned layers over a quantized
 * encoder (the export writes them into the fp32 graph only, which the run never ran). The model card recommends only
 * this graph and the export card shows figures only for it, so the two never disagree.
 */
export function measuredExportGraph(
  manifest: Pick<SentiManifest, 'encoder' | 'tunedLayers'>,
): 'quantized' | 'fp32' | undefined {
  const quantizedEncoder = manifest.encoder.dtype === 'int8' || manifest.encoder.dtype === 'q8';
  if (!quantizedEncoder) return 'fp32';
  return manifest.tunedLayers === undefined ? 'quantized' : undefined;
}
