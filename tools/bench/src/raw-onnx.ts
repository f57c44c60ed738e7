import { InferenceSession, Tensor } from 'onnxruntime-node';

/** Sentences/s of a bare ONNX Runtime session on fixed-size batches of token id 1000 (no tokenization, no pooling). */
export async function rawOnnxThroughput(
  file: string,
  options: { batchSize: number; tokens: number; batches: number; sessionOptions?: InferenceSession.SessionOptions },
): Promise<number> {
  const session = await InferenceSession.create(file, options.sessionOptions ?? {});
  const size = options.batchSize * options.tokens;
  const dims = [options.batchSize, options.tokens];
  const feeds: Record<string, Tensor> = {
    input_ids: new Tensor('int64', new BigInt64Array(size).fill(1000n), dims),
    attention_mask: new Tensor('int64', new BigInt64Array(size).fill(1n), dims),
    token_type_ids: new Tensor('int64', new BigInt64Array(size), dims),
  };
  const inputs = Object.fromEntries(session.inputNames.map((name) => [name, feeds[name]!]));
  await session.run(inputs); // warm-up
  const start = performance.now();
  for (let i = 0; i < options.batches; i++) await session.run(inputs);
  const seconds = (performance.now() - start) / 1000;
  await session.release();
  return (options.batches * options.batchSize) / seconds;
}
