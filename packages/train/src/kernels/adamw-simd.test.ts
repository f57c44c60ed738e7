import { describe, expect, it } from 'vitest';
import { adamwSimd, isWasmMemory } from './adamw-simd.js';

const f = Math.fround;

describe('AdamW WebAssembly SIMD kernel', () => {
  it('updates p, m and v exactly as the float32 formula, vector body and scalar tail, and sums squares in float64', () => {
    const memory = new (
      globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } } }
    ).WebAssembly.Memory({ initial: 1 });
    expect(isWasmMemory(memory)).toBe(true);
    expect(isWasmMemory(new ArrayBuffer(8))).toBe(false);
    const kernel = adamwSimd(memory);
    const n = 1026; // not a multiple of 4: the tail runs too (W2 of the 768-512-2 head has 1,026 values)
    const [p, m, v, g] = [0, 1, 2, 3].map((k) => new Float32Array(memory.buffer, 64 + k * (n * 4 + 64), n)) as [
      Float32Array,
      Float32Array,
      Float32Array,
      Float32Array,
    ];
    for (let i = 0; i < n; i++) {
      g[i] = Math.sin(i * 0.37) * (i % 5 === 0 ? 1e-3 : 1);
      p[i] = Math.cos(i * 0.11) * 0.05;
      m[i] = Math.sin(i) * 1e-3;
      v[i] = (i % 3) * 1e-5;
    }
    const expected = { p: Float32Array.from(p), m: Float32Array.from(m), v: Float32Array.from(v) };
    const s = [0.9, 0.999, 0.07, 0.0008, 0.9999, 31.6, 1e-5].map(f) as [
      number,
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const gi = g[i]!;
      squares += gi * gi;
      const mi = f(f(expected.m[i]! * s[0]) + f(gi * s[2]));
      const vi = f(f(expected.v[i]! * s[1]) + f(f(gi * gi) * s[3]));
      expected.m[i] = mi;
      expected.v[i] = vi;
      expected.p[i] = f(f(expected.p[i]! * s[4]) - f(mi / f(f(f(Math.sqrt(vi)) * s[5]) + s[6])));
    }
    expect(kernel.sumSquares(g.byteOffset, n)).toBeCloseTo(squares, 9);
    kernel.adamw(p.byteOffset, m.byteOffset, v.byteOffset, g.byteOffset, n, ...s);
    expect(Array.from(m)).toEqual(Array.from(expected.m));
    expect(Array.from(v)).toEqual(Array.from(expected.v));
    expect(Array.from(p)).toEqual(Array.from(expected.p));
  });
});
