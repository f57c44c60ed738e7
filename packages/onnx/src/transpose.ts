import type { NamedTensor } from './safetensors.js';

/** A [rows, columns] matrix transposed. */
export function transpose(tensor: NamedTensor): NamedTensor {
  const [rows, columns] = tensor.shape as [number, number];
  const values = new Float32Array(rows * columns);
  for (let r = 0; r < rows; r += 1)
    for (let c = 0; c < columns; c += 1) values[c * rows + r] = tensor.values[r * columns + c]!;
  return { shape: [columns, rows], values };
}
