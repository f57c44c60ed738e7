#!/usr/bin/env node
// Writes the README's "Use as a library" code block (the fenced block between `<!-- library-example:start -->`
// and `<!-- library-example:end -->`) to a file, unchanged. Usage: node extract-example.mjs README.md OUT.ts
import { readFileSync, writeFileSync } from 'node:fs';

const [readme, out] = process.argv.slice(2);
if (!readme || !out) throw new Error('usage: node extract-example.mjs README.md OUT.ts');
const text = readFileSync(readme, 'utf8');
const start = text.indexOf('<!-- library-example:start -->');
const end = text.indexOf('<!-- library-example:end -->');
if (start < 0 || end < start) {
  console.error(`consumer-smoke: ${readme} has no <!-- library-example:start --> ... <!-- library-example:end --> block`);
  process.exit(1);
}
const block = /```(?:ts|typescript)\n([\s\S]*?)\n```/.exec(text.slice(start, end));
if (!block) {
  console.error(`consumer-smoke: the library-example block in ${readme} holds no \`\`\`ts fenced code`);
  process.exit(1);
}
writeFileSync(out, `${block[1]}\n`);
console.log(`consumer-smoke: ${block[1].split('\n').length} lines of README example -> ${out}`);
