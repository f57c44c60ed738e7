// Build step: copies danfojs-node's own code into dist/vendor/danfojs-node.cjs so that the published @senti/data
// installs as published from the npm registry. danfojs-node@1.2.0 itself cannot: it depends on `xlsx` from a CDN
// URL and on `@tensorflow/tfjs-node` 3.x (a libtensorflow download at install). In the bundle those two are
// replaced by what the workspace's pnpm overrides use (and what the tests run against): `@tensorflow/tfjs@4.22.0`
// (pure JS) and `xlsx@0.18.5` from npm. Every other dependency of danfojs-node stays external and is declared in
// @senti/data's package.json with danfojs-node's own ranges. The source imports `#danfojs`, which package.json's
// "imports" map sends to `danfojs-node` under the "source" condition (tests, tsx) and to this bundle otherwise.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(packageDir, 'package.json'));
const danfoPackage = require.resolve('danfojs-node/package.json');
const danfo = require(danfoPackage);

const result = await build({
  entryPoints: [join(dirname(danfoPackage), danfo.main)],
  outfile: join(packageDir, 'dist/vendor/danfojs-node.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  packages: 'external',
  alias: { '@tensorflow/tfjs-node': '@tensorflow/tfjs' },
  legalComments: 'inline',
  banner: {
    js: `/* danfojs-node@${danfo.version} (MIT, https://github.com/javascriptdata/danfojs), bundled by @senti/data. */`,
  },
  logLevel: 'warning',
  metafile: true,
});

// Every package the bundle still requires must be a dependency of @senti/data, or the published package breaks.
const own = require(join(packageDir, 'package.json'));
const declared = new Set([...Object.keys(own.dependencies ?? {}), ...Object.keys(own.peerDependencies ?? {})]);
const builtins = new Set(require('node:module').builtinModules);
// plotly is required only inside a browser check in danfojs-base/plotting.
const browserOnly = new Set(['plotly.js-dist-min']);
const missing = new Set();
for (const input of Object.values(result.metafile.inputs)) {
  for (const imported of input.imports) {
    if (!imported.external) continue;
    const name = imported.path.startsWith('@')
      ? imported.path.split('/').slice(0, 2).join('/')
      : imported.path.split('/')[0];
    if (!builtins.has(name) && !name.startsWith('node:') && !declared.has(name) && !browserOnly.has(name))
      missing.add(name);
  }
}
if (missing.size > 0) {
  console.error(
    `bundle-danfojs: the bundle requires ${[...missing].join(', ')}, not declared in @senti/data's dependencies`,
  );
  process.exit(1);
}
