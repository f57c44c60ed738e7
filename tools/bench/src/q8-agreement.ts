import { loadEncoder, type Pooling } from '@senti/model';

/** How closely int8 (q8) encoder outputs follow fp32 ones. */
export interface Agreement {
  sentences: number;
  pooling: Pooling;
  meanCosine: number;
  minCosine: number;
  fp32SentencesPerSecond: number;
  q8SentencesPerSecond: number;
}

/** Encodes the same sentences with fp32 and q8 weights and compares the vectors row by row. */
export async function q8Agreement(
  model: string,
  texts: readonly string[],
  maxLength: number,
  pooling: Pooling,
): Promise<Agreement> {
  const encode = async (dtype: 'fp32' | 'q8'): Promise<{ features: Float32Array; hidden: number; seconds: number }> => {
    const encoder = await loadEncoder({ model, dtype, pooling, device: 'cpu', offline: true });
    try {
      const started = performance.now();
      const features = await encoder.encode(texts, { maxLength });
      return { features, hidden: encoder.info.hiddenSize, seconds: (performance.now() - started) / 1000 };
    } finally {
      await encoder.dispose();
    }
  };
  const fp32 = await encode('fp32');
  const q8 = await encode('q8');
  const cosines = texts.map((_, row) => cosine(fp32.features, q8.features, row * fp32.hidden, fp32.hidden));
  return {
    sentences: texts.length,
    pooling,
    meanCosine: cosines.reduce((sum, value) => sum + value, 0) / cosines.length,
    minCosine: cosines.reduce((least, value) => Math.min(least, value), Infinity),
    fp32SentencesPerSecond: texts.length / fp32.seconds,
    q8SentencesPerSecond: texts.length / q8.seconds,
  };
}

function cosine(a: Float32Array, b: Float32Array, offset: number, length: number): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (let index = offset; index < offset + length; index++) {
    const x = a[index] ?? 0;
    const y = b[index] ?? 0;
    dot += x * y;
    normA += x * x;
    normB += y * y;
  }
  return dot / Math.sqrt(normA * normB);
}
