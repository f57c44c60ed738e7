import type { Command } from 'commander';
import { exportModel, isOffline } from '@senti/model';
import type { CliContext } from '../cli-context.js';
import { newCommand } from './new-command.js';
import { addOptions } from '../options/command-options.js';

interface ExportFlags {
  modelDir: string;
  encoder?: string;
  offline?: boolean;
  overwrite?: boolean;
  web?: boolean;
  json?: boolean;
}

/** `senti export`: a trained model as a Hugging Face directory that transformers.js / ONNX Runtime load without senti. */
export function exportCommand(context: CliContext): Command {
  const command = newCommand(
    'export',
    'Write a trained model as a Hugging Face directory (config, tokenizer, one ONNX graph to logits).',
    context,
  ).argument('<out>', 'directory to write (must be new or empty unless --overwrite)');
  addOptions(command, ['modelDir', 'encoder']).option(
    '--overwrite',
    'replace a previous export in the output directory (a directory holding anything else is refused, never deleted)',
  );
  return addOptions(command, ['offline'])
    .option(
      '--web',
      'add index.html with the transformers.js browser build and onnxruntime-web wasm files: serve the directory and classify in the browser, offline',
    )
    .action(async (out: string, flags: ExportFlags) => {
      const output = context.console(flags.json);
      const result = await exportModel(flags.modelDir, out, {
        offline: isOffline(flags.offline),
        ...(flags.encoder ? { encoderModel: flags.encoder } : {}),
        ...(flags.overwrite ? { overwrite: true } : {}),
        ...(flags.web ? { web: true } : {}),
      });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        return;
      }
      output.line(`exported to ${result.outDir}: ${result.files.join(', ')}`);
      if (flags.web)
        output.line(
          `web page: serve the directory (e.g. python3 -m http.server -d ${result.outDir} 8000) and open http://localhost:8000/`,
        );
      for (const note of result.notes) output.line(`note: ${note}`);
      output.line(
        `load it with transformers.js: pipeline('text-classification', '${result.outDir}', { local_files_only: true })`,
      );
    });
}
