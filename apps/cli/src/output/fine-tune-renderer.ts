import { TOKEN_LENGTH_CHUNK, type FineTuneEvent, type FineTuneSettings } from '@senti/train';
import type { EncoderLayoutReport } from '@senti/model';
import type { ConsoleOutput, Progress } from './console-output.js';
import { downloadProgress } from './download-progress.js';
import { formatDuration } from './format-duration.js';
import { printDataSummary, printLengthSummary } from './print-summaries.js';
import { readingNote } from './reading-note.js';

/** Turns fineTune's progress events into the terminal (or plain CI) rendering of `senti train`. */
export function fineTuneRenderer(
  output: ConsoleOutput,
  settings: Pick<FineTuneSettings, 'data'>,
): (event: FineTuneEvent) => void {
  let encoding: Progress | undefined;
  const download = downloadProgress(output);
  let encodeTotal = 0;
  let measuring: Progress | undefined;
  let bar: { epoch: number; progress: Progress } | undefined;
  let epochs = 0;
  // Each epoch's bar counts from the end of the previous epoch (step events arrive only every so often, so the first
  // one of an epoch may come late: a bar started there would show 0 steps/s and no ETA).
  let epochStartedAt = Date.now();
  return (event) => {
    switch (event.type) {
      case 'reading': {
        const note = readingNote(event.source);
        if (note) output.line(note);
        return;
      }
      case 'data':
        printDataSummary(output, settings, event.splits);
        return;
      case 'token-lengths':
        if (event.total <= TOKEN_LENGTH_CHUNK) return; // one chunk: done before a bar could say anything
        measuring ??= output.progress('Token lengths', event.total, 'texts');
        if (event.done < event.total) measuring.update(event.done);
        else measuring.finish();
        return;
      case 'max-length':
        printLengthSummary(output, event.choice);
        return;
      case 'download-start':
      case 'download':
      case 'download-done':
        download(event);
        return;
      case 'compute': {
        const { encoder, device, backend } = event;
        output.section('Compute');
        output.line(
          `  encoder  ${encoder.model} (${encoder.dtype}${event.dtypeRequested === 'auto' ? ' (auto)' : ''}, ${encoder.pooling} pooling, hidden ${encoder.hiddenSize}) on ${device.used}`,
        );
        if (device.note) output.line(`           ${device.note}`);
        if (event.layout) for (const line of describeLayout(event.layout)) output.line(`           ${line}`);
        output.line(`  head     TensorFlow.js backend "${backend.name}"${backend.gpu ? ' (GPU)' : ''}`);
        // tfjs-node present but failing to load: say why it is not used. Without its binary (the default: pnpm runs no
        // download script) nothing is wrong and nothing is said; a line there read like a failure.
        const native = backend.tried.find(
          (tried) =>
            tried.name === 'tensorflow' &&
            tried.error !== undefined &&
            !/is not installed|native binary is not installed/.test(tried.error),
        );
        if (native && backend.name !== 'tensorflow')
          output.line(`           the ${backend.name} backend is used because ${native.error}`);
        return;
      }
      case 'encode':
        encoding ??= output.progress('Encoding', event.total, 'texts');
        encodeTotal = event.total;
        encoding.update(event.done);
        return;
      case 'encoded':
        // Repeated texts are encoded once: say so, or "2973 encoded" of 2990 texts reads as texts left out.
        if (encoding) {
          const repeats = encodeTotal - event.hits - event.misses;
          encoding.finish(
            `${event.hits} cached, ${event.misses} encoded${repeats > 0 ? `, ${repeats} repeated text${repeats === 1 ? '' : 's'} share their features` : ''}`,
          );
        } else output.line(`Encoding: all ${event.hits} texts found in the feature cache`);
        for (const { file, problem } of event.discarded)
          output.line(`  note: cache segment ${file} was ${problem}; its texts were encoded again`);
        return;
      case 'start':
        epochs = event.epochs;
        epochStartedAt = Date.now();
        output.section(
          `Training the head: ${event.epochs} epochs x ${event.stepsPerEpoch} steps${event.startEpoch > 1 ? ` (resuming at epoch ${event.startEpoch})` : ''}`,
        );
        return;
      case 'step':
        if (!output.interactive) return;
        // A fresh bar each epoch, so its rate and ETA describe this epoch.
        if (bar?.epoch !== event.epoch)
          bar = {
            epoch: event.epoch,
            progress: output.progress(`  epoch ${event.epoch}/${epochs}`, event.stepsPerEpoch, 'steps', epochStartedAt),
          };
        bar.progress.update(
          event.step,
          `loss ${event.loss.toFixed(4)}${event.etaMs > 0 ? `  run ETA ${formatDuration(event.etaMs / 1000)}` : ''}`,
        );
        return;
      case 'epoch': {
        if (bar) output.clearProgressLine();
        bar = undefined;
        epochStartedAt = Date.now();
        const eta = event.etaMs > 0 ? `  ETA ${Math.round(event.etaMs / 1000)}s` : '';
        output.line(
          `  epoch ${String(event.epoch).padStart(String(epochs).length)}/${epochs}  train loss ${event.trainLoss.toFixed(4)}  val loss ${event.valLoss.toFixed(4)}  val acc ${event.valAccuracy.toFixed(4)}${event.improved ? '  *best' : ''}${eta}`,
        );
        return;
      }
      case 'early-stop':
        output.line(`  early stop after epoch ${event.epoch} (no better validation loss for --patience epochs)`);
        return;
      case 'restore':
        output.line(
          `  restored the weights of epoch ${event.bestEpoch} (lowest validation loss ${event.bestValLoss.toFixed(4)})`,
        );
        return;
      case 'cross-validation-fold':
        if (event.fold === 1)
          output.section(
            `Cross-validation: ${event.folds} stratified folds over train + validation (features encoded once)`,
          );
        output.line(
          `  fold ${event.fold}/${event.folds}: accuracy ${event.accuracy.toFixed(4)}  macro F1 ${event.macroF1.toFixed(4)}  ROC-AUC ${event.rocAuc === null ? 'n/a' : event.rocAuc.toFixed(4)}`,
        );
        return;
      case 'calibrated':
        output.line(
          `  calibrated: temperature ${event.temperature.toFixed(4)} (fitted on validation by NLL); test ECE ${event.eceBefore.toFixed(4)} -> ${event.eceAfter.toFixed(4)}`,
        );
        return;
      case 'warning':
        // The library's advice in words; the CLI names its flags.
        output.line(
          `warning: ${event.code === 'one-class-predicted' ? event.message.replace(/\(try [^)]*\)$/, '(try more --epochs, a higher --lr, or --pooling mean)') : event.message}`,
        );
        return;
      case 'evaluated':
        return;
    }
  };
}

/** What the console says about a model's layout: only what differs from a plain BertModel export with senti's defaults. */
export function describeLayout(layout: EncoderLayoutReport): string[] {
  const lines: string[] = [];
  if (layout.weights === 'onnx-fill-mask')
    lines.push(`${layout.architecture} export: cut at the last hidden state (the masked-LM head is not computed)`);
  if (layout.weights === 'safetensors')
    lines.push(`${layout.architecture} safetensors weights: senti wrote the ONNX encoder graph from them (cached)`);
  if (layout.poolingFrom !== 'requested' && layout.poolingFrom !== 'default')
    lines.push(`pooling as the model configures it (${layout.poolingFrom})`);
  return lines;
}
