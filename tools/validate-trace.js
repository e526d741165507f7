#!/usr/bin/env node
// Validates ClawVM decision traces (JSON Lines, spec/decision_trace.md) against the JSON
// Schema of one trace line (spec/decision-trace.schema.json), with ajv from
// tools/node_modules (`npm ci` in tools/).
//
//   node tools/validate-trace.js SCHEMA TRACE.jsonl...
//
// Every line of every trace is checked on its own against the schema, and in sequence:
// `seq` counts the lines of the file from 0 without gaps (DT-2), `turn` never decreases
// (DT-6), every line ends with "\n" and contains no "\r" (DT-1). Each failing line prints
// `file:line: <instancePath> <message>` (one line per problem) on stdout.
//
// Exit status: 0 every line of every file is valid; 1 at least one line is invalid;
// 2 usage error, unreadable or invalid schema, unreadable or empty trace file.
'use strict';

const fs = require('fs');
const path = require('path');

const EXIT_OK = 0;
const EXIT_INVALID = 1;
const EXIT_USAGE = 2;

// Problems reported per line, at most: a badly broken line should not flood the output.
const PROBLEMS_PER_LINE_MAX = 10;

function usage(message) {
  if (message) process.stderr.write(`validate-trace: ${message}\n`);
  process.stderr.write('usage: node tools/validate-trace.js SCHEMA TRACE.jsonl...\n');
  process.exit(EXIT_USAGE);
}

// ajv lives in tools/node_modules, next to this script, whatever the working directory.
function loadAjv(schema) {
  const draft = String(schema.$schema || '');
  const modulePath = draft.includes('2020-12') ? 'ajv/dist/2020' : draft.includes('2019-09') ? 'ajv/dist/2019' : 'ajv';
  let Ajv;
  try {
    Ajv = require(path.join(__dirname, 'node_modules', modulePath));
  } catch (err) {
    process.stderr.write(`validate-trace: cannot load ${modulePath} from ${path.join(__dirname, 'node_modules')}: ` +
                         `${err.message}\n(run "npm ci" in tools/)\n`);
    process.exit(EXIT_USAGE);
  }
  return Ajv.default || Ajv;
}

// One readable line per ajv error. The "if" wrappers only say that a "then" branch
// failed; the branch's own errors say why, so they are dropped when there are others.
function describeErrors(errors) {
  const useful = errors.filter((e) => e.keyword !== 'if');
  const shown = useful.length > 0 ? useful : errors;
  return shown.map((e) => {
    let detail = '';
    if (e.keyword === 'additionalProperties') detail = `: '${e.params.additionalProperty}'`;
    else if (e.keyword === 'enum') detail = `: ${JSON.stringify(e.params.allowedValues)}`;
    else if (e.keyword === 'const') detail = `: ${JSON.stringify(e.params.allowedValue)}`;
    else if (e.keyword === 'required') detail = '';
    return `${e.instancePath || '/'} ${e.message}${detail}`;
  });
}

function main(argv) {
  if (argv.length < 2) usage('expected a schema and at least one trace file');
  const [schemaPath, ...tracePaths] = argv;

  let schema;
  try {
    schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
  } catch (err) {
    process.stderr.write(`validate-trace: cannot read schema ${schemaPath}: ${err.message}\n`);
    return EXIT_USAGE;
  }
  const Ajv = loadAjv(schema);
  let validate;
  try {
    const ajv = new Ajv({ allErrors: true });
    validate = ajv.compile(schema);
  } catch (err) {
    process.stderr.write(`validate-trace: invalid schema ${schemaPath}: ${err.message}\n`);
    return EXIT_USAGE;
  }

  let invalidLines = 0;
  let checkedLines = 0;
  for (const tracePath of tracePaths) {
    let text;
    try {
      text = fs.readFileSync(tracePath, 'utf8');
    } catch (err) {
      process.stderr.write(`validate-trace: cannot read ${tracePath}: ${err.message}\n`);
      return EXIT_USAGE;
    }
    if (text.length === 0) {
      process.stderr.write(`validate-trace: ${tracePath} is empty (a decision trace has at least one line)\n`);
      return EXIT_USAGE;
    }

    const lines = text.split('\n');
    const terminated = lines[lines.length - 1] === '';
    if (terminated) lines.pop();
    let previousTurn = null;
    let expectedSeq = 0;  // resynchronised after a gap, so one lost line is one error
    lines.forEach((line, index) => {
      const lineNo = index + 1;
      const problems = [];
      if (!terminated && index === lines.length - 1) problems.push('last line does not end with a newline (truncated trace?)');
      if (line.includes('\r')) problems.push('line contains a carriage return (lines end with "\\n" only)');
      let record;
      if (line.trim() === '') {
        problems.push('empty line');
      } else {
        try {
          record = JSON.parse(line);
        } catch (err) {
          problems.push(`not JSON: ${err.message}`);
        }
      }
      if (record !== undefined) {
        if (!validate(record)) problems.push(...describeErrors(validate.errors || []));
        if (record !== null && typeof record === 'object' && !Array.isArray(record)) {
          if (Number.isInteger(record.seq)) {
            if (record.seq !== expectedSeq) {
              problems.push(`/seq is ${record.seq}, expected ${expectedSeq} (seq counts the lines from 0, without gaps)`);
            }
            expectedSeq = record.seq + 1;
          } else {
            expectedSeq += 1;
          }
          if (Number.isInteger(record.turn)) {
            if (previousTurn !== null && record.turn < previousTurn) {
              problems.push(`/turn ${record.turn} is below the previous line's turn ${previousTurn}`);
            }
            previousTurn = record.turn;
          }
        }
      }
      checkedLines += 1;
      if (problems.length > 0) {
        invalidLines += 1;
        const shown = problems.slice(0, PROBLEMS_PER_LINE_MAX);
        for (const p of shown) process.stdout.write(`${tracePath}:${lineNo}: ${p}\n`);
        if (problems.length > shown.length) {
          process.stdout.write(`${tracePath}:${lineNo}: ... ${problems.length - shown.length} more\n`);
        }
      }
    });
  }

  if (invalidLines > 0) {
    process.stderr.write(`validate-trace: ${invalidLines} of ${checkedLines} lines invalid\n`);
    return EXIT_INVALID;
  }
  process.stderr.write(`validate-trace: ${checkedLines} lines in ${tracePaths.length} file(s) valid\n`);
  return EXIT_OK;
}

// A reader that stops early (`| head`) is not an error of the trace.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode === undefined ? EXIT_INVALID : process.exitCode);
  throw err;
});

process.exitCode = main(process.argv.slice(2));
