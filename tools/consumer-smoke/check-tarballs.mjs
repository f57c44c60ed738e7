#!/usr/bin/env node
// Checks packed tarballs before they are installed: no test files or test helpers, no declaration maps or source
// maps that point at sources the tarball does not ship, no "source" export condition (it names src/, unshipped),
// no `workspace:` ranges left, every @senti/* dependency is one of the tarballs, and every package the shipped
// JavaScript imports by name is a declared dependency (dist/vendor/ bundles are checked by their own build step).
// Usage: node check-tarballs.mjs DIR   (DIR holds the .tgz files)
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const dir = process.argv[2];
if (!dir) throw new Error('usage: node check-tarballs.mjs DIR');
const tarballs = readdirSync(dir).filter((name) => name.endsWith('.tgz'));
if (tarballs.length === 0) throw new Error(`no .tgz files in ${dir}`);

const problems = [];
const manifests = new Map();
for (const tarball of tarballs) {
  const file = path.join(dir, tarball);
  const entries = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const manifest = JSON.parse(execFileSync('tar', ['-xzOf', file, 'package/package.json'], { encoding: 'utf8' }));
  manifests.set(manifest.name, manifest);
  const shipsSources = entries.some((entry) => entry.startsWith('package/src/'));
  for (const entry of entries) {
    if (/\.test\.[cm]?[jt]s$|\.test\.d\.ts$/.test(entry)) problems.push(`${tarball}: test file ${entry}`);
    if (/\/test-[^/]*$|\/testing\/|\/testdata\//.test(entry)) problems.push(`${tarball}: test helper ${entry}`);
    if (entry.endsWith('.d.ts.map') && !shipsSources) problems.push(`${tarball}: ${entry} points at unshipped sources`);
  }
  for (const map of entries.filter((entry) => entry.endsWith('.js.map'))) {
    const content = JSON.parse(execFileSync('tar', ['-xzOf', file, map], { encoding: 'utf8' }));
    if (!shipsSources && !Array.isArray(content.sourcesContent))
      problems.push(`${tarball}: ${map} has no sourcesContent and src/ is not shipped`);
  }
  const declared = new Set(
    Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies }),
  );
  const scripts = entries.filter((entry) => /\.(m|c)?js$/.test(entry) && !entry.startsWith('package/dist/vendor/'));
  const source =
    scripts.length === 0
      ? ''
      : execFileSync('tar', ['-xzOf', file, ...scripts], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  for (const match of source.matchAll(
    /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm,
  )) {
    const specifier = match[2];
    if (specifier.startsWith('.') || specifier.startsWith('#') || specifier.startsWith('node:')) continue;
    if (!/^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(\/[\w./-]*)?$/i.test(specifier)) continue; // prose or a template, not a package
    const name = specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0];
    if (builtinModules.includes(name) || declared.has(name) || name === manifest.name) continue; // a package may name itself
    problems.push(`${tarball}: dist imports "${specifier}", which is not among its dependencies`);
  }
  const text = JSON.stringify({ exports: manifest.exports, imports: manifest.imports });
  if (!shipsSources && text.includes('./src/'))
    problems.push(`${tarball}: exports/imports name ./src/ (not shipped): ${text}`);
  for (const field of ['dependencies', 'optionalDependencies', 'peerDependencies']) {
    for (const [name, range] of Object.entries(manifest[field] ?? {})) {
      if (String(range).startsWith('workspace:')) problems.push(`${tarball}: ${field}.${name} is still ${range}`);
      if (/^(https?:|git|file:|link:)/.test(String(range)))
        problems.push(`${tarball}: ${field}.${name} is not a registry range: ${range}`);
    }
  }
}
for (const [name, manifest] of manifests) {
  for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
    if (dependency.startsWith('@senti/') && !manifests.has(dependency))
      problems.push(`${name} depends on ${dependency}, which was not packed`);
  }
}
if (problems.length > 0) {
  const unique = [...new Set(problems)];
  console.error(`consumer-smoke: ${unique.length} problem(s) in the tarballs:\n  ${unique.join('\n  ')}`);
  process.exit(1);
}
console.log(`consumer-smoke: ${tarballs.length} tarballs clean (${[...manifests.keys()].join(', ')})`);
