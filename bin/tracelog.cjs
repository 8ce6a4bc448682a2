#!/usr/bin/env node
// CommonJS, so that `--version` and `--help` written to a pipe or file are answered from
// text made at build time (dist/bundle/answers.cjs) before any ES module is loaded;
// everything else runs the bundled CLI.
'use strict';

const args = process.argv.slice(2);

function quickAnswer() {
  const asksVersion = args.length === 1 && (args[0] === '--version' || args[0] === '-V');
  // On a terminal commander fits the help to its width.
  const asksHelp = (args.length === 1 || args.length === 2) && (args.at(-1) === '--help' || args.at(-1) === '-h') && !process.stdout.isTTY;
  if (!asksVersion && !asksHelp) return undefined;
  let answers;
  try {
    answers = require('../dist/bundle/answers.cjs');
  } catch {
    // Not built: the CLI says so below.
    return undefined;
  }
  if (asksVersion) return answers.version;
  const command = args.length === 1 ? '' : args[0];
  return Object.hasOwn(answers.help, command) ? answers.help[command] : undefined;
}

const answer = quickAnswer();
if (answer !== undefined) {
  process.stdout.on('error', (err) => {
    if (err.code !== 'EPIPE') process.exitCode = 2;
  });
  process.stdout.write(answer);
} else {
  import('../dist/bundle/tracelog.js').catch((err) => {
    process.stderr.write(`tracelog: cannot start (${err.message.split('\n')[0]}); run \`npm run build\` in a checkout\n`);
    process.exitCode = 2;
  });
}
