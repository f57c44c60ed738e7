let loading: Promise<void> | undefined;

/**
 * Registers TensorFlow.js's gradient functions, which `tf.variableGrads` needs. tfjs-core ships them only as a
 * side-effect module that Node cannot import (extensionless ESM paths); the `@tensorflow/tfjs` union package registers
 * them on the same tfjs-core instance in every loader, so it is imported once, on first use.
 */
export function loadGradients(): Promise<void> {
  loading ??= import('@tensorflow/tfjs').then(() => undefined);
  return loading;
}
