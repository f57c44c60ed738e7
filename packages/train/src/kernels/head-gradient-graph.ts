import {
  attribute,
  DataType,
  encodeOnnxModel,
  float32Tensor,
  int64Tensor,
  makeNode,
  tensorValueInfo,
  type OnnxNode,
  type OnnxTensor,
} from '@senti/onnx';

/** Inputs of the head's forward + backward graph, in the order {@link headGradientGraph} declares them. */
export const HEAD_GRADIENT_INPUTS = ['x', 'xT', 'targets', 'maskT', 'w1', 'w2'] as const;
/** Its outputs: the batch loss and the gradients of W1 and W2. */
export const HEAD_GRADIENT_OUTPUTS = ['loss', 'w1_gradient', 'w2_gradient'] as const;

/**
 * The head's forward and backward pass as an ONNX graph, for ONNX Runtime's native multi-threaded GEMMs, in the
 * transposed layout of `TransposedHead` and op for op its `lossAndGradients`:
 *   hᵀ = relu(W1·xᵀ), dᵀ = hᵀ ⊙ maskᵀ, logits = [d | 1]·W2, loss = −Σ targets ⊙ log_softmax(logits) / Σ targets,
 *   dZ = (softmax·rowWeight − targets) / Σ targets, dW2 = [d | 1]ᵀ·dZ, dW1 = ((w2·dZᵀ) ⊙ step(hᵀ) ⊙ maskᵀ)·x.
 * x is [rows, input + 1] with a last column of ones (xT its transpose), W1 [hidden, input + 1], W2 [hidden + 1,
 * classes], maskᵀ [hidden, rows] (ones without dropout); the batch size is symbolic.
 */
export function headGradientGraph(inputSize: number, hiddenSize: number, numClasses: number): Uint8Array {
  const width = inputSize + 1;
  const nodes: OnnxNode[] = [];
  const initializers: OnnxTensor[] = [float32Tensor('zero', [], [0]), int64Tensor('axis_rows', [1], [1])];
  const node = (
    op: string,
    inputs: string[],
    output: string,
    attributes: Parameters<typeof makeNode>[4] = [],
  ): string => {
    nodes.push(makeNode(op, inputs, [output], output, attributes));
    return output;
  };
  const ints = (name: string, values: number[]): string => {
    initializers.push(int64Tensor(name, [values.length], values));
    return name;
  };

  // Forward.
  const hiddenT = node('Relu', [node('MatMul', ['w1', 'xT'], 'pre_hidden_t')], 'hidden_t');
  const droppedT = node('Mul', [hiddenT, 'maskT'], 'dropped_t');
  const onesRow = node(
    'Slice',
    ['xT', ints('ones_start', [inputSize]), ints('ones_end', [width]), ints('ones_axis', [0])],
    'ones_row',
  );
  const droppedWithOnesT = node('Concat', [droppedT, onesRow], 'dropped_ones_t', [attribute('axis', 0)]);
  const logits = node('MatMul', [node('Transpose', [droppedWithOnesT], 'dropped_ones'), 'w2'], 'logits');
  const shifted = node(
    'Sub',
    [logits, node('ReduceMax', [logits], 'logits_max', [attribute('axes', [1]), attribute('keepdims', 1)])],
    'shifted',
  );
  const exponentials = node('Exp', [shifted], 'exponentials');
  const sums = node('ReduceSum', [exponentials, 'axis_rows'], 'sums', [attribute('keepdims', 1)]);
  const logProbs = node('Sub', [shifted, node('Log', [sums], 'log_sums')], 'log_probs');
  const totalWeight = node('ReduceSum', ['targets'], 'total_weight', [attribute('keepdims', 0)]);
  node(
    'Div',
    [
      node(
        'Neg',
        [
          node('ReduceSum', [node('Mul', [logProbs, 'targets'], 'weighted_log_probs')], 'sum_weighted', [
            attribute('keepdims', 0),
          ]),
        ],
        'neg_sum',
      ),
      totalWeight,
    ],
    'loss',
  );

  // Backward.
  const rowWeight = node('ReduceSum', ['targets', 'axis_rows'], 'row_weight', [attribute('keepdims', 1)]);
  const probabilities = node('Div', [exponentials, sums], 'probabilities');
  const logitsGradient = node(
    'Div',
    [
      node('Sub', [node('Mul', [probabilities, rowWeight], 'weighted_probabilities'), 'targets'], 'residual'),
      totalWeight,
    ],
    'logits_gradient',
  );
  node('MatMul', [droppedWithOnesT, logitsGradient], 'w2_gradient');
  const w2 = node('Slice', ['w2', ints('w2_start', [0, 0]), ints('w2_end', [hiddenSize, numClasses])], 'w2_weights');
  const droppedGradientT = node(
    'MatMul',
    [w2, node('Transpose', [logitsGradient], 'logits_gradient_t')],
    'dropped_gradient_t',
  );
  const stepT = node('Cast', [node('Greater', [hiddenT, 'zero'], 'active_t')], 'step_t', [
    attribute('to', DataType.FLOAT),
  ]);
  const hiddenGradientT = node('Mul', [droppedGradientT, node('Mul', [stepT, 'maskT'], 'gate_t')], 'hidden_gradient_t');
  node('MatMul', [hiddenGradientT, 'x'], 'w1_gradient');

  const shapes: Record<
    (typeof HEAD_GRADIENT_INPUTS)[number] | (typeof HEAD_GRADIENT_OUTPUTS)[number],
    (number | string)[]
  > = {
    x: ['rows', width],
    xT: [width, 'rows'],
    targets: ['rows', numClasses],
    maskT: [hiddenSize, 'rows'],
    w1: [hiddenSize, width],
    w2: [hiddenSize + 1, numClasses],
    loss: [],
    w1_gradient: [hiddenSize, width],
    w2_gradient: [hiddenSize + 1, numClasses],
  };
  return encodeOnnxModel({
    ir_version: 8,
    opset_import: [{ domain: '', version: 13 }],
    producer_name: 'senti',
    graph: {
      name: 'senti-head-gradients',
      node: nodes,
      initializer: initializers,
      input: HEAD_GRADIENT_INPUTS.map((name) => tensorValueInfo(name, DataType.FLOAT, shapes[name])),
      output: HEAD_GRADIENT_OUTPUTS.map((name) => tensorValueInfo(name, DataType.FLOAT, shapes[name])),
    },
  });
}
