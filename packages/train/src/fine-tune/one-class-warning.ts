/**
 * The warning for a model that answers one class for every test text (its accuracy is then that class's share of the
 * test split, however good the number looks), or undefined when it predicts at least two classes. Decided in the
 * package so library users get it as a `warning` event too; the CLI only prints the event.
 */
export function oneClassWarning(predictions: readonly number[], labelNames: readonly string[]): string | undefined {
  const predicted = new Set(predictions);
  if (predicted.size !== 1 || labelNames.length < 2) return undefined;
  const only = labelNames[[...predicted][0]!];
  return `the model predicts "${only}" for every one of the ${predictions.length} test texts: it has not learned to tell the classes apart (try more epochs, a higher learning rate, or mean pooling)`;
}
