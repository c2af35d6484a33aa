#!/usr/bin/env node
// `npx smx …`: in a checkout, runs the TypeScript source through tsx (never a stale build); in the production image,
// which has no sources and no tsx, runs the compiled CLI.
//
// Exit codes (see src/cli.ts): 0 ran, 1 input unusable, 2 usage error. The process must not end before the command's
// promise settles: while an embedded database starts, nothing else may hold the event loop open, and Node would then
// exit with code 0 in the middle of the import. A timer holds it open until the answer is known.

const fs = require('node:fs');
const path = require('node:path');

const keepAlive = setInterval(() => {}, 60_000);

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

function finish(code) {
  clearInterval(keepAlive);
  process.exitCode = code;
  // Exit once stdout has been written out, even if a library left a handle open.
  process.stdout.write('', () => process.exit(code));
}

cli.main(process.argv.slice(2)).then(finish, (err) => {
  process.stderr.write(`smx: ${err?.message ? err.message : String(err)}\n`);
  finish(1);
});
