import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The package.json of an installed package, found from its entry point (exports maps may hide package.json). */
function packageJsonPath(name: string, from: NodeJS.Require): string | undefined {
  let entry: string;
  try {
    entry = from.resolve(name);
  } catch {
    try {
      return from.resolve(`${name}/package.json`);
    } catch {
      return undefined;
    }
  }
  for (let dir = dirname(entry); dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === name)
      return candidate;
  }
  return undefined;
}

function packageVersion(name: string, from: NodeJS.Require = require): string | undefined {
  const file = packageJsonPath(name, from);
  return file === undefined ? undefined : (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version;
}

/** Versions of the libraries that shape a model's numbers: transformers.js, ONNX Runtime, tfjs, senti, Node. */
export function libraryVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  const own = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  versions['@senti/model'] = own;
  for (const name of ['@huggingface/transformers', '@tensorflow/tfjs-core']) {
    const version = packageVersion(name);
    if (version !== undefined) versions[name] = version;
  }
  // onnxruntime-node is transformers.js's dependency: resolve it from there.
  const transformers = packageJsonPath('@huggingface/transformers', require);
  const runtime =
    transformers === undefined ? undefined : packageVersion('onnxruntime-node', createRequire(transformers));
  if (runtime !== undefined) versions['onnxruntime-node'] = runtime;
  versions.node = process.versions.node;
  return versions;
}
