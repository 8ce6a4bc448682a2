#!/usr/bin/env node
/**
 * The baseline every tracelog command is compared with: read the file with
 * split2 and JSON.parse every line, nothing else. The counts are printed so
 * that the parsing cannot be optimised away.
 *
 *   node bench/baseline.js FILE
 */
import { createReadStream } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import split2 from 'split2';

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: node bench/baseline.js FILE\n');
  process.exitCode = 2;
} else {
  let lines = 0;
  let objects = 0;
  let malformed = 0;
  const parse = new Writable({
    objectMode: true,
    write(line, _encoding, callback) {
      lines++;
      try {
        if (JSON.parse(line) !== null) objects++;
      } catch {
        malformed++;
      }
      callback();
    },
  });
  await pipeline(createReadStream(file), split2(), parse);
  process.stdout.write(`${JSON.stringify({ lines, objects, malformed })}\n`);
}
