import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from './run-process.js';

/** A model dir whose int8 graph is the dynamic quantization of its fp32 graph (made once, next to the model). */
export async function requantizedModel(model: string, given: string | undefined): Promise<string> {
  if (given) return resolve(given);
  const target = `${model.replace(/\/+$/, '')}-requantized`;
  if (existsSync(join(target, 'onnx', 'model_quantized.onnx'))) return target;
  const script = join(dirname(fileURLToPath(import.meta.url)), '..', 'quantize-dynamic.py');
  const result = await runProcess('/usr/bin/python3', [script, model, target]);
  if (result.code !== 0)
    throw new Error(`quantize-dynamic.py failed (needs Debian's python3-onnx):\n${result.stderr.slice(-1000)}`);
  return target;
}
