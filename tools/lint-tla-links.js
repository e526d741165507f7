#!/usr/bin/env node
// Lint: the TLA+ specs and the C++ name each other (docs/verification.md).
//  1. Every action a spec's Next calls has a comment (directly above its definition, or on
//     its line) naming its C++ counterpart `clawvm::...`, or saying it only stutters.
//  2. Every C++ symbol named that way exists in include/ or src/.
//  3. Every "tla/<Spec>.tla action(s) A, B" / "tla/<Spec>.tla A" reference in include/ and
//     src/ names an operator defined in that spec.
// Usage: node tools/lint-tla-links.js [repo-root]. Exit 0 clean, 1 problems, 2 usage/IO.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(process.argv[2] || path.join(__dirname, '..'));
const problems = [];

function read(p) {
  try { return fs.readFileSync(p, 'utf8'); } catch (e) { console.error(`lint-tla-links: ${p}: ${e.message}`); process.exit(2); }
}
function walk(dir, exts) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(p, exts));
    else if (exts.some((e) => entry.name.endsWith(e))) out.push(p);
  }
  return out;
}

const cppFiles = [...walk(path.join(root, 'include'), ['.hpp']), ...walk(path.join(root, 'src'), ['.cpp', '.hpp'])];
const cppText = cppFiles.map((f) => read(f)).join('\n');

// Operator definitions of a spec: name -> line index.
function definitions(lines) {
  const defs = new Map();
  lines.forEach((line, i) => {
    const m = /^([A-Z][A-Za-z0-9_]*)\s*(\([^)]*\))?\s*==/.exec(line);
    if (m) defs.set(m[1], i);
  });
  return defs;
}
// The comment block that documents definition at line i: same line + contiguous \* lines above.
function docOf(lines, i) {
  const parts = [];
  const same = lines[i].indexOf('\\*');
  if (same >= 0) parts.push(lines[i].slice(same));
  for (let j = i - 1; j >= 0 && /^\s*(\\\*|\(\*)/.test(lines[j]); --j) parts.push(lines[j]);
  return parts.join('\n');
}
// The body of the definition `Next ==` up to the next blank line.
function nextBody(lines, defs) {
  const start = defs.get('Next');
  if (start === undefined) return null;
  const body = [];
  for (let j = start; j < lines.length && lines[j].trim() !== ''; ++j) body.push(lines[j]);
  return body.join('\n').replace(/\\\*.*$/gm, '');
}

const specs = fs.readdirSync(path.join(root, 'tla')).filter((f) => f.endsWith('.tla') && !f.startsWith('MC'));
const specDefs = new Map();
for (const spec of specs) {
  const lines = read(path.join(root, 'tla', spec)).split('\n');
  const defs = definitions(lines);
  specDefs.set(spec, defs);
  const body = nextBody(lines, defs);
  if (body === null) { problems.push(`tla/${spec}: no Next definition`); continue; }
  // Set operands (`x \in LevelSet`) are not actions.
  const called = new Set([...body.matchAll(/(?<!\\in\s+)\b([A-Z][A-Za-z0-9_]*)\b/g)].map((m) => m[1]).filter((n) => n !== 'Next' && defs.has(n)));
  for (const action of [...called].sort()) {
    const doc = docOf(lines, defs.get(action));
    const symbols = doc.match(/clawvm(?:::[A-Za-z_]+)+/g) || [];
    if (symbols.length === 0 && !/stutter/i.test(doc)) {
      problems.push(`tla/${spec}:${defs.get(action) + 1}: action ${action} names no C++ counterpart (clawvm::...)`);
    }
    for (const sym of symbols) {
      const leaf = sym.split('::').filter(Boolean).pop();
      if (!new RegExp(`\\b${leaf}\\b`).test(cppText)) {
        problems.push(`tla/${spec}:${defs.get(action) + 1}: action ${action} names ${sym}, which is not in include/ or src/`);
      }
    }
  }
  console.log(`tla/${spec}: ${called.size} actions in Next, each linked`);
}

// C++ -> TLA+: "tla/Spec.tla action Name" / "actions A, B, C" / "tla/Spec.tla Name".
const refRe = /tla\/([A-Za-z]+\.tla)\s+(?:actions?\s+)?([A-Z][A-Za-z]*(?:(?:,\s*|\s*\/\s*|,?\s+and\s+|\s*\(\+)?\s*[A-Z][A-Za-z]*)*)/g;
for (const file of cppFiles) {
  const text = read(file);
  let m;
  while ((m = refRe.exec(text)) !== null) {
    const defs = specDefs.get(m[1]);
    const rel = path.relative(root, file);
    if (!defs) { problems.push(`${rel}: names tla/${m[1]}, which does not exist`); continue; }
    for (const name of m[2].match(/[A-Z][A-Za-z]*/g)) {
      if (!defs.has(name)) problems.push(`${rel}: names ${name} in tla/${m[1]}, which defines no such operator`);
    }
  }
}

if (problems.length) {
  for (const p of problems) console.log(`lint-tla-links: ${p}`);
  process.exit(1);
}
console.log('lint-tla-links: ok');
