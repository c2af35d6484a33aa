#!/usr/bin/env node
// `npx smx …`: in a checkout, runs the TypeScript source through tsx (never a stale build); in the production image,
// which has no sources and no tsx, runs the compiled CLI.

const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'src', 'cli.js');
const source = path.join(root, 'src', 'cli.ts');
function hasTsx() {
  try {
    require.resolve('tsx/cjs');
    return true;
  } catch {
    return false;
  }
}
let cli;
if (fs.existsSync(source) && hasTsx()) {
  require('tsx/cjs');
  cli = require(source);
} else {
  cli = require(compiled);
}

cli.main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`smx: ${err?.message ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
