/**
 * AdamW's update as one WebAssembly SIMD pass (128-bit, 4 float32 lanes), compiled from `adamw-simd.wat` beside this
 * file (`wat2wasm adamw-simd.wat -o - | base64 -w0`, Debian's wabt 1.0.32). It runs on float32 arrays inside a
 * `WebAssembly.Memory` it is given: tfjs-wasm's own heap, so the tfjs variables are updated where they live.
 * One pass per variable replaces ~12 tfjs kernels (each a full read and write of the 394k weights).
 */
const ADAMW_SIMD_WASM =
  'AGFzbQEAAAABFgJgAn9/AXxgDH9/f39/fX19fX19fQACDwEDZW52Bm1lbW9yeQIAAQMDAgABBxYCCnN1bVNxdWFyZXMAAAVhZGFtdwABCpwEArUBAwJ/A3sCfCABQXxxIQMCQANAIAIgA08NASAAIAJBAnRq/QAEACEEIAUgBP1fIAT9X/3yAf3wASEFIAQgBP0NCAkKCwwNDg8AAQIDBAUGByEEIAYgBP1fIAT9X/3yAf3wASEGIAJBBGohAgwACwsgBSAG/fABIQUgBf0hACAF/SEBoCEHAkADQCACIAFPDQEgACACQQJ0aioCALshCCAHIAggCKKgIQcgAkEBaiECDAALCyAHC+ICAwN/CnsDfSAF/RMhDyAG/RMhECAH/RMhESAI/RMhEiAJ/RMhEyAK/RMhFCAL/RMhFSAEQXxxIQ0CQANAIAwgDU8NASAMQQJ0IQ4gAyAOav0ABAAhFiABIA5q/QAEACAP/eYBIBYgEf3mAf3kASEXIAEgDmogF/0LBAAgAiAOav0ABAAgEP3mASAWIBb95gEgEv3mAf3kASEYIAIgDmogGP0LBAAgACAOaiAAIA5q/QAEACAT/eYBIBcgGP3jASAU/eYBIBX95AH95wH95QH9CwQAIAxBBGohDAwACwsCQANAIAwgBE8NASAMQQJ0IQ4gAyAOaioCACEZIAEgDmoqAgAgBZQgGSAHlJIhGiABIA5qIBo4AgAgAiAOaioCACAGlCAZIBmUIAiUkiEbIAIgDmogGzgCACAAIA5qIAAgDmoqAgAgCZQgGiAbkSAKlCALkpWTOAIAIAxBAWohDAwACwsL';

/** The exported functions; pointers are byte offsets into the memory, `n` counts float32 values. */
export interface AdamWSimd {
  /** Σ x² over n values, accumulated in float64. */
  sumSquares(pointer: number, n: number): number;
  /**
   * m = β1·m + firstScale·g; v = β2·v + secondScale·g²; p = p·decay − m / (√v·sqrtScale + epsScaled), in float32,
   * op for op as `AdamW.apply` in @senti/train.
   */
  adamw(
    p: number,
    m: number,
    v: number,
    g: number,
    n: number,
    beta1: number,
    beta2: number,
    firstScale: number,
    secondScale: number,
    decay: number,
    sqrtScale: number,
    epsScaled: number,
  ): void;
}

/** The few WebAssembly JS API members used here (this package's TypeScript libs do not declare them). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: abstract new (...args: never[]) => object;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** True for a `WebAssembly.Memory`. */
export function isWasmMemory(value: unknown): value is object {
  return value instanceof webAssembly.Memory;
}

let compiled: object | undefined;

/** Instantiates the kernel over `memory`, a `WebAssembly.Memory` (synchronous: the module is 621 bytes). */
export function adamwSimd(memory: object): AdamWSimd {
  compiled ??= new webAssembly.Module(Buffer.from(ADAMW_SIMD_WASM, 'base64'));
  return new webAssembly.Instance(compiled, { env: { memory } }).exports as unknown as AdamWSimd;
}
