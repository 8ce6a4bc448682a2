// Golden files for the waterfall with colour off, read in review like code.
// Regenerate with UPDATE_GOLDEN=1 node --test test/unit/render/

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { renderSummary } from '../../../dist/render/summary.js';
import { renderWaterfall, renderWaterfalls } from '../../../dist/render/waterfall.js';
import * as scenarios from '../../helpers/trace-scenarios.js';

const GOLDEN_DIR = new URL('../../golden/', import.meta.url);
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function compareGolden(name, lines) {
  const file = new URL(name, GOLDEN_DIR);
  const actual = `${lines.join('\n')}\n`;
  if (UPDATE) {
    writeFileSync(file, actual);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs; rerun with UPDATE_GOLDEN=1 if the change is intended`);
}

const view = (trace, options = {}) => renderWaterfall(trace, { widthCols: 100, colorLevel: 0, ...options });

const GOLDENS = {
  'book-example.view.txt': () => view(scenarios.bookExample()),
  'nested-parallel.view.txt': () => view(scenarios.nestedParallel()),
  'orphans.view.txt': () => view(scenarios.orphans()),
  'clock-skew.view.txt': () => view(scenarios.clockSkew()),
  'span-markers.view.txt': () => view(scenarios.spanMarkers()),
  'wide-characters.view.txt': () => view(scenarios.wideCharacters(), { widthCols: 80 }),
  'width-40.view.txt': () => [
    ...renderWaterfalls([scenarios.bookExample(), scenarios.nestedParallel(), scenarios.orphans()], { widthCols: 40, colorLevel: 0 }),
  ],
  'long-names.view.txt': () => view(scenarios.longNames()),
  'depth-collapse.view.txt': () => [
    ...view(scenarios.deepTree(), { widthCols: 90, depth: 1 }),
    '',
    ...view(scenarios.deepTree(), { widthCols: 90, depth: 0 }),
  ],
  'events.view.txt': () => view(scenarios.withEvents(), { events: true }),
  'tags.view.txt': () => view(scenarios.withTags(), { tags: ['hostname', 'user_name', 'region'], allTags: true }),
  'no-critical-path.view.txt': () => view(scenarios.nestedParallel(), { criticalPath: false, widthCols: 80 }),
  'hostile-text.view.txt': () => view(scenarios.hostileText(), { events: true, allTags: true }),
  'book-example.summary.txt': () =>
    renderSummary([scenarios.bookExample(), scenarios.nestedParallel(), scenarios.withEvents()], { colorLevel: 0, widthCols: 100 }),
  // The one colour golden: 16 colours, escapes made visible as ␛.
  'book-example.view.color.txt': () => view(scenarios.bookExample(), { colorLevel: 1 }).map((line) => line.replaceAll('\u001b', '␛')),
};

for (const [name, render] of Object.entries(GOLDENS)) {
  test(`golden ${name}`, () => compareGolden(name, render()));
}
