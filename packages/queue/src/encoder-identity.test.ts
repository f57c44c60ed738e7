import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEncoder } from '@senti/model';
import { fingerprintEncoder } from './encoder-identity.js';
import { onnxOutputNames } from '@senti/onnx';
import { TINY_BERT } from './testing/sample-texts.js';

describe('fingerprintEncoder', () => {
  it('reads the ONNX graph outputs without loading the weights', async () => {
    expect(await onnxOutputNames(path.join(TINY_BERT, 'onnx', 'model.onnx'))).toEqual([
      'last_hidden_state',
      'pooler_output',
    ]);
    expect(await onnxOutputNames(path.join(TINY_BERT, 'onnx', 'model_quantized.onnx'))).toEqual([
      'last_hidden_state',
      'pooler_output',
    ]);
  });

  it('gives the identity loadEncoder reports, for each dtype and pooling', async () => {
    for (const options of [
      { dtype: 'fp32' as const },
      { dtype: 'q8' as const, pooling: 'mean' as const },
      { dtype: 'int8' as const },
      { dtype: 'auto' as const, pooling: 'cls' as const },
    ]) {
      const encoder = await loadEncoder({ model: TINY_BERT, offline: true, device: 'cpu', ...options });
      const fingerprint = await fingerprintEncoder({ model: TINY_BERT, offline: true, device: 'cpu', ...options });
      expect(fingerprint.info).toEqual(encoder.info);
      expect(fingerprint.tokenizer.modelMaxLength).toBe(encoder.tokenizer.modelMaxLength);
      await encoder.dispose();
    }
  });

  it('reports a missing weights file as loadEncoder does', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'senti-fingerprint-'));
    try {
      cpSync(TINY_BERT, dir, { recursive: true });
      rmSync(path.join(dir, 'onnx', 'model_quantized.onnx'));
      await expect(fingerprintEncoder({ model: dir, offline: true, device: 'cpu', dtype: 'q8' })).rejects.toMatchObject(
        { code: 'MODEL_ENCODER_FILE_MISSING' },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
