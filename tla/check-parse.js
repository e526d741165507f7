#!/usr/bin/env node
// Syntax check of the TLA+ modules in tla/ with tree-sitter-tlaplus.
//
//   node tla/check-parse.js                 every *.tla directly in tla/
//   node tla/check-parse.js FILE.tla ...    the named files only
//
// Exit status: 0 every file parses; 1 a file has a parse error (the first
// ERROR or MISSING node is printed as line:column, 1-based); 2 setup error
// (node_modules missing, unreadable file, no file to check).
//
// This is a syntax check only (no SANY semantic analysis, no level
// checking): it catches malformed modules in CI where no TLA+ tools exist.
'use strict';

const fs = require('fs');
const path = require('path');

const here = __dirname;
const modules = path.resolve(here, '..', 'tools', 'node_modules');

function setupError(message) {
  console.error(`check-parse: ${message}`);
  process.exit(2);
}

// hasError / isMissing are properties in web-tree-sitter 0.22 and methods
// in some other releases: accept both shapes, so that a version change can
// never turn a method object into an always-true (or always-false) check.
function flag(node, name) {
  const v = node[name];
  return typeof v === 'function' ? v.call(node) : Boolean(v);
}

async function main() {
  const args = process.argv.slice(2);
  let files;
  if (args.length > 0) {
    files = args.map((f) => path.resolve(f));
  } else {
    files = fs.readdirSync(here)
      .filter((f) => f.endsWith('.tla'))
      .sort()
      .map((f) => path.join(here, f));
  }
  if (files.length === 0) setupError(`no .tla file to check in ${here}`);

  let Parser;
  try {
    Parser = require(path.join(modules, 'web-tree-sitter'));
  } catch (e) {
    setupError(`cannot load web-tree-sitter from ${modules} (run 'npm ci' in tools/): ${e.message}`);
  }
  const wasm = path.join(modules, '@tlaplus', 'tree-sitter-tlaplus', 'tree-sitter-tlaplus.wasm');
  if (!fs.existsSync(wasm)) setupError(`missing ${wasm} (run 'npm ci' in tools/)`);

  await Parser.init();
  const TLAPlus = await Parser.Language.load(wasm);
  const parser = new Parser();
  parser.setLanguage(TLAPlus);

  let failures = 0;
  for (const file of files) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      setupError(`cannot read ${file}: ${e.message}`);
    }
    const tree = parser.parse(text);
    const root = tree.rootNode;
    const name = path.relative(process.cwd(), file) || file;
    if (!flag(root, 'hasError')) {
      console.log(`${name}: ok`);
      continue;
    }
    failures++;
    const bad = firstErrorNode(root);
    const where = bad ? `${bad.startPosition.row + 1}:${bad.startPosition.column + 1}` : '?:?';
    const what = bad ? (flag(bad, 'isMissing') ? `missing ${bad.type}` : bad.type) : 'error';
    console.log(`${name}: parse error at ${where} (${what})`);
  }
  console.log(`check-parse: ${files.length - failures} of ${files.length} file(s) parse`);
  process.exit(failures === 0 ? 0 : 1);
}

// Depth-first search for the first ERROR or MISSING node, in source order.
function firstErrorNode(node) {
  if (node.type === 'ERROR' || flag(node, 'isMissing')) return node;
  for (let i = 0; i < node.childCount; i++) {
    const child = node.child(i);
    if (child.type === 'ERROR' || flag(child, 'isMissing') || flag(child, 'hasError')) {
      const found = firstErrorNode(child);
      if (found) return found;
    }
  }
  return null;
}

main().catch((e) => setupError(e && e.stack ? e.stack : String(e)));
