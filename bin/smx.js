#!/usr/bin/env node
// `npx smx …`: runs the compiled CLI when the project has been built (npm run build), else the TypeScript source
// through tsx, so a fresh checkout works without a build step.

const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const compiled = path.join(root, 'dist', 'src', 'cli.js');
let cli;
if (fs.existsSync(compiled)) {
  cli = require(compiled);
} else {
  require('tsx/cjs');
  cli = require(path.join(root, 'src', 'cli.ts'));
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
