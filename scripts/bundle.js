// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/: one file for the CLI's
// entry, one for the worker thread, and shared chunks, so that starting tracelog reads a
// few files instead of ninety and compiles what a command needs once. Each command's
// code stays in chunks of its own, loaded only when that command runs.
import { rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';

// Chunks are named by content: clear out those of an earlier build.
rmSync('dist/bundle', { recursive: true, force: true });

await build({
  entryPoints: { tracelog: 'dist/cli/main.js', worker: 'dist/parallel/worker.js' },
  outdir: 'dist/bundle',
  // The worker is found beside the chunk that starts it (load-parallel.ts).
  chunkNames: 'chunk-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies (cli-table3) call require() for Node's own modules.
  banner: { js: "import { createRequire as __tracelogRequire } from 'node:module'; const require = __tracelogRequire(import.meta.url);" },
  logLevel: 'warning',
});

// `tracelog --version` and `--help` (of the program and of each command) written out to a
// pipe or file, as commander writes them there (80 columns, no colour), answered by
// bin/tracelog.cjs without loading the CLI: ~70 ms instead of ~83 (--version) and ~106 (--help)
// here, where Node alone takes ~65.
const { VERSION } = await import('../dist/version.js');
const { buildProgram } = await import('../dist/cli/program.js');
let captured = '';
const sink = { write: (s) => { captured += s; return true; } };
const program = buildProgram({ io: { stdout: sink, stderr: sink, env: {} }, setExit: () => undefined });
const help = {};
for (const command of [program, ...program.commands]) {
  command.configureOutput({ writeOut: sink.write, getOutHelpWidth: () => undefined, getOutHasColors: () => false });
  captured = '';
  command.outputHelp();
  help[command === program ? '' : command.name()] = captured;
}
writeFileSync(
  'dist/bundle/answers.cjs',
  `// Made by scripts/bundle.js from the program's own help: what bin/tracelog.cjs answers without loading the CLI.\nmodule.exports = ${JSON.stringify({ version: `${VERSION}\n`, help }, null, 1)};\n`,
);
