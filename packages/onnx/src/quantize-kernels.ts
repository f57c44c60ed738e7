// The per-token int8 graph's weight quantizers, as self-contained functions (no imports, no calls to other module
// functions): they also run as the source text of worker threads (`parallel-quantize.ts`), so each must stay
// serializable with Function.prototype.toString.

/**
 * Symmetric per-column int8 of a row-major `[rows, columns]` fp32 matrix given as its little-endian bytes (any byte
 * offset: each row is copied into an aligned scratch row). `scales[c] = fround(max|column c| / 127)` (1 for an
 * all-zero column) and `values[r, c] = clamp(Math.round(w / scales[c]), -127, 127)`, computed without Math.round
 * (`floor + (fraction >= 0.5)` is the same bits: the fraction `w - floor(w)` is exact below 2^52, and no branch to
 * mispredict): V8 runs Math.round ~5x slower than floor in this loop.
 */
export function quantizeColumnsInto(
  bytes: Uint8Array,
  rows: number,
  columns: number,
  values: Int8Array,
  scales: Float32Array,
): void {
  const row = new Float32Array(columns);
  const rowBytes = new Uint8Array(row.buffer);
  const rowLength = columns * 4;
  const maxima = new Float64Array(columns);
  for (let r = 0; r < rows; r++) {
    rowBytes.set(bytes.subarray(r * rowLength, (r + 1) * rowLength));
    for (let c = 0; c < columns; c++) {
      const value = row[c]!;
      const magnitude = value < 0 ? -value : value;
      if (magnitude > maxima[c]!) maxima[c] = magnitude;
    }
  }
  const divisors = new Float64Array(columns);
  for (let c = 0; c < columns; c++) {
    scales[c] = maxima[c]! > 0 ? Math.fround(maxima[c]! / 127) : 1;
    divisors[c] = scales[c]!;
  }
  for (let r = 0; r < rows; r++) {
    rowBytes.set(bytes.subarray(r * rowLength, (r + 1) * rowLength));
    const offset = r * columns;
    for (let c = 0; c < columns; c++) {
      const scaled = row[c]! / divisors[c]!;
      const floor = Math.floor(scaled);
      const q = floor + +(scaled - floor >= 0.5);
      values[offset + c] = q > 127 ? 127 : q < -127 ? -127 : q;
    }
  }
}

/** Symmetric per-row int8 of a row-major `[rows, columns]` fp32 table given as bytes: as above, one scale per row. */
export function quantizeRowsInto(
  bytes: Uint8Array,
  rows: number,
  columns: number,
  values: Int8Array,
  scales: Float32Array,
): void {
  const row = new Float32Array(columns);
  const rowBytes = new Uint8Array(row.buffer);
  const rowLength = columns * 4;
  for (let r = 0; r < rows; r++) {
    rowBytes.set(bytes.subarray(r * rowLength, (r + 1) * rowLength));
    let max = 0;
    for (let c = 0; c < columns; c++) {
      const value = row[c]!;
      const magnitude = value < 0 ? -value : value;
      if (magnitude > max) max = magnitude;
    }
    const scale = max > 0 ? Math.fround(max / 127) : 1;
    scales[r] = scale;
    const offset = r * columns;
    for (let c = 0; c < columns; c++) {
      const scaled = row[c]! / scale;
      const floor = Math.floor(scaled);
      const q = floor + +(scaled - floor >= 0.5);
      values[offset + c] = q > 127 ? 127 : q < -127 ? -127 : q;
    }
  }
}
