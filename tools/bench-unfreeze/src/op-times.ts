// Milliseconds per tfjs op at BERT-base layer sizes on the active backend (which ops dominate a training step).
import * as tf from '@tensorflow/tfjs-core';
import { selectBackend } from '@senti/model';

await selectBackend({ device: 'auto' });
const x = tf.randomNormal([640, 768]) as tf.Tensor2D;
const w = tf.randomNormal([768, 3072]) as tf.Tensor2D;
const dy = tf.randomNormal([640, 3072]) as tf.Tensor2D;
const q = tf.randomNormal([32, 12, 20, 64]) as tf.Tensor4D;
const k = tf.randomNormal([32, 12, 64, 20]) as tf.Tensor4D;
const time = async (name: string, f: () => tf.Tensor) => {
  const warm = f(); await warm.data(); warm.dispose();
  const started = performance.now();
  const out = f(); await out.data(); out.dispose();
  console.log(name.padEnd(40), (performance.now() - started).toFixed(1), 'ms');
};
await time('matMul 640x768 . 768x3072', () => tf.matMul(x, w));
await time('matMul dy . w^T (transposeB flag)', () => tf.matMul(dy, w, false, true));
await time('matMul dy . transpose(w)', () => tf.tidy(() => tf.matMul(dy, tf.transpose(w))));
await time('matMul x^T . dy (transposeA flag)', () => tf.matMul(x, dy, true, false));
await time('matMul transpose(x) . dy', () => tf.tidy(() => tf.matMul(tf.transpose(x), dy)));
await time('erf 640x3072', () => tf.erf(dy));
await time('batched q.k 32x12x20x64', () => tf.matMul(q, k));
await time('batched q.k^T flag', () => tf.matMul(q, q, false, true));
await time('softmax 32x12x20x20', () => tf.softmax(tf.matMul(q, k)));
await time('transpose 0213 32x20x12x64', () => tf.transpose(tf.reshape(x, [32, 20, 12, 64]), [0, 2, 1, 3]));
