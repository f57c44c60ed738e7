import { open, readFile } from 'node:fs/promises';
import protobuf from 'protobufjs';
import { ModelError } from '@senti/errors';
import { writeFileAtomic } from '@senti/base';
import { ONNX_PROTO } from './onnx-schema.js';
import type { OnnxModel } from './onnx-types.js';

let modelType: protobuf.Type | undefined;

function onnxModelType(): protobuf.Type {
  modelType ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  return modelType;
}

/** Decodes ONNX model bytes into plain objects (int64 as numbers, bytes as views on the input). */
export function decodeOnnxModel(bytes: Uint8Array): OnnxModel {
  const type = onnxModelType();
  let message: protobuf.Message;
  try {
    message = type.decode(bytes);
  } catch (error) {
    throw new ModelError(
      'MODEL_ONNX_UNREADABLE',
      `not an ONNX model: ${error instanceof Error ? error.message : String(error)}`,
      'input',
      { cause: error },
    );
  }
  const model = type.toObject(message, { longs: Number, enums: Number, defaults: false, arrays: false }) as OnnxModel;
  if (!model.graph) throw new ModelError('MODEL_ONNX_UNREADABLE', 'not an ONNX model: it has no graph', 'input');
  return model;
}

/** Encodes a model to ONNX protobuf bytes. */
export function encodeOnnxModel(model: OnnxModel): Uint8Array {
  const type = onnxModelType();
  return type.encode(type.fromObject(model)).finish();
}

/** Reads an ONNX model from a file path or from its bytes. External data is not supported. */
export async function readOnnxModel(source: string | Uint8Array): Promise<OnnxModel> {
  if (typeof source !== 'string') return decodeOnnxModel(source);
  let bytes: Buffer;
  try {
    bytes = await readFile(source);
  } catch (error) {
    throw new ModelError(
      'MODEL_ONNX_UNREADABLE',
      `cannot read ONNX file "${source}": ${error instanceof Error ? error.message : String(error)}`,
      'input',
      { cause: error },
    );
  }
  return decodeOnnxFile(bytes, source);
}

/** {@link decodeOnnxModel} of a file's bytes, naming the file in the error. */
export function decodeOnnxFile(bytes: Uint8Array, file: string): OnnxModel {
  try {
    return decodeOnnxModel(bytes);
  } catch (error) {
    if (ModelError.isInstance(error))
      throw new ModelError(error.code, `"${file}" is ${error.message}`, 'input', { cause: error });
    throw error;
  }
}

/** Writes a model atomically (temp file + rename) and returns its bytes. */
export async function writeOnnxModel(model: OnnxModel, file: string): Promise<Uint8Array> {
  const bytes = encodeOnnxModel(model);
  await writeFileAtomic(file, bytes);
  return bytes;
}

/**
 * Reads a whole file into memory backed by a SharedArrayBuffer (worker threads can then read its tensors without a
 * copy; see `quantizePerTokenParallel`). Errors as {@link readOnnxModel}'s.
 */
export async function readFileShared(file: string): Promise<Uint8Array> {
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      const bytes = new Uint8Array(new SharedArrayBuffer(size));
      for (let done = 0; done < size;) {
        const { bytesRead } = await handle.read(bytes, done, Math.min(size - done, 1 << 26), done);
        if (bytesRead === 0) throw new Error(`file shrank while being read (${done} of ${size} bytes)`);
        done += bytesRead;
      }
      return bytes;
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw new ModelError(
      'MODEL_ONNX_UNREADABLE',
      `cannot read ONNX file "${file}": ${error instanceof Error ? error.message : String(error)}`,
      'input',
      { cause: error },
    );
  }
}
