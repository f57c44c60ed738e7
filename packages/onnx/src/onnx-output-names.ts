import { open, type FileHandle } from 'node:fs/promises';
import protobuf from 'protobufjs';
import { ONNX_PROTO } from './onnx-schema.js';

// Protobuf field numbers: ModelProto.graph = 7, GraphProto.output = 12 (the same schema readOnnxModel decodes with).
const MODEL_GRAPH = 7;
const GRAPH_OUTPUT = 12;

let valueInfoType: protobuf.Type | undefined;

/**
 * Names of an ONNX model's graph outputs, read by walking the protobuf framing with small positioned reads: the
 * weights are skipped, not loaded, so this costs milliseconds even for a 440 MB file.
 */
export async function onnxOutputNames(file: string): Promise<string[]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const names: string[] = [];
    for await (const graph of fields(handle, 0, size)) {
      if (graph.field !== MODEL_GRAPH || graph.length === undefined) continue;
      for await (const output of fields(handle, graph.start, graph.start + graph.length)) {
        if (output.field !== GRAPH_OUTPUT || output.length === undefined) continue;
        const bytes = Buffer.alloc(output.length);
        await handle.read(bytes, 0, output.length, output.start);
        valueInfoType ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ValueInfoProto');
        const { name } = valueInfoType.decode(bytes) as unknown as { name?: string };
        if (name) names.push(name);
      }
    }
    return names;
  } finally {
    await handle.close();
  }
}

interface Field {
  field: number;
  /** Where the value starts (after the tag, and after the length for length-delimited fields). */
  start: number;
  /** Length of a length-delimited value; undefined for scalars. */
  length?: number;
}

async function* fields(handle: FileHandle, from: number, to: number): AsyncGenerator<Field> {
  const head = Buffer.alloc(20);
  let at = from;
  while (at < to) {
    const { bytesRead } = await handle.read(head, 0, Math.min(20, to - at), at);
    const [tag, tagBytes] = varint(head, 0, bytesRead);
    const field = Math.floor(tag / 8);
    const wireType = tag % 8;
    if (wireType === 2) {
      const [length, lengthBytes] = varint(head, tagBytes, bytesRead);
      yield { field, start: at + tagBytes + lengthBytes, length };
      at += tagBytes + lengthBytes + length;
    } else if (wireType === 0) {
      at += tagBytes + varint(head, tagBytes, bytesRead)[1];
    } else if (wireType === 1) {
      at += tagBytes + 8;
    } else if (wireType === 5) {
      at += tagBytes + 4;
    } else {
      throw new Error(`unsupported protobuf wire type ${wireType} at byte ${at}: not an ONNX model?`);
    }
  }
}

/** A base-128 varint at `at`: its value and how many bytes it took. */
function varint(bytes: Buffer, at: number, end: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let index = at; index < end && index < at + 10; index++) {
    const byte = bytes[index]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if (byte < 0x80) return [value, index - at + 1];
  }
  throw new Error(`truncated protobuf varint at byte ${at}`);
}
