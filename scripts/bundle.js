// Bundles the compiled CLI (dist/, from tsc) into dist/bundle/: one file for the CLI's
// entry, one for the worker thread, and shared chunks, so that starting tracelog reads a
// few files instead of ninety and compiles what a command needs once. Each command's
// code stays in chunks of its own, loaded only when that command runs.
import { rmSync } from 'node:fs';
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
