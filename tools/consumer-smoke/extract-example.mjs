#!/usr/bin/env node
// Writes one of the README's marked code blocks (the fenced block between `<!-- NAME:start -->` and
// `<!-- NAME:end -->`) to a file, unchanged. NAME defaults to library-example (the ```ts block of "Use as a
// library"); library-install is the ```sh block of its install commands.
// Usage: node extract-example.mjs README.md OUT [NAME]
import { readFileSync, writeFileSync } from 'node:fs';

const [readme, out, name = 'library-example'] = process.argv.slice(2);
if (!readme || !out) throw new Error('usage: node extract-example.mjs README.md OUT [NAME]');
const text = readFileSync(readme, 'utf8');
const start = text.indexOf(`<!-- ${name}:start -->`);
const end = text.indexOf(`<!-- ${name}:end -->`);
if (start < 0 || end < start) {
  console.error(`consumer-smoke: ${readme} has no <!-- ${name}:start --> ... <!-- ${name}:end --> block`);
  process.exit(1);
}
const block = /```(?:ts|typescript|sh|bash)\n([\s\S]*?)\n```/.exec(text.slice(start, end));
if (!block) {
  console.error(`consumer-smoke: the ${name} block in ${readme} holds no fenced code`);
  process.exit(1);
}
writeFileSync(out, `${block[1]}\n`);
console.log(`consumer-smoke: ${block[1].split('\n').length} lines of the README's ${name} block -> ${out}`);
