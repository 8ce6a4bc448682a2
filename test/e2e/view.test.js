// `tracelog view` end to end: golden waterfalls of the fixtures (regenerate with
// UPDATE_GOLDEN=1 and read the diff), every selection flag, the width limit in
// display columns, terminal safety with colour on and off, `| head -1`, follow
// mode on stdin, and how NO_COLOR, FORCE_COLOR, --color and --no-color combine.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { BIN, cliEnv, fixture, FIXTURES, makeTempDir, ROOT, runCli, runCliFirstLine, STACK_TRACE } from '../helpers/cli.js';

/**
 * Runs the CLI, asserts its exit status and stderr (by default 0 and nothing),
 * and returns its stdout.
 */
async function stdoutOf(args, { code = 0, stderr = '', ...options } = {}) {
  const result = await runCli(args, options);
  assert.equal(result.stderr, stderr, `stderr of tracelog ${args.join(' ')}`);
  assert.equal(result.code, code, `exit status of tracelog ${args.join(' ')}`);
  return result.stdout;
}

const GOLDEN_DIR = join(ROOT, 'test', 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const tmp = makeTempDir('tracelog-view-');
test.after(() => tmp.cleanup());

/**
 * Columns `text` takes on a terminal, measured independently of src/render:
 * East Asian wide and fullwidth characters and emoji presentation count 2,
 * combining marks and format characters 0, and VS16 after a narrow symbol
 * widens it to 2 (🛢️). Everything else, box drawing included, counts 1.
 */
const WIDE = /[\p{Emoji_Presentation}\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]/u;
const ZERO_WIDTH = /[\p{Mn}\p{Me}\p{Cf}]/u;

/** Each character of `text` with the column it starts at and the columns it adds. */
function* columns(text) {
  let col = 0;
  let previous = 0;
  for (const ch of text) {
    let w = ZERO_WIDTH.test(ch) ? 0 : WIDE.test(ch) ? 2 : 1;
    if (ch === '\ufe0f') w = previous === 1 ? 1 : 0;
    yield { ch, col, w };
    col += w;
    previous = ch === '\ufe0f' ? 2 : w;
  }
}

function displayWidthCols(text) {
  let cols = 0;
  for (const { w } of columns(text)) cols += w;
  return cols;
}

/** Our own colour sequences: SGR only. */
const SGR = /\x1b\[[0-9;]*m/g;

/** Text with every block element shown as a full block: colour and plain bars differ only in the eighths of their first cell. */
const sameBlocks = (text) => text.replace(/[▏▎▍▌▋▊▉█▐▕]/g, '█');

/** Every line of `stdout` fits in `widthCols` columns (colour sequences take none). */
function assertFits(stdout, widthCols) {
  for (const line of stdout.split('\n')) {
    const cols = displayWidthCols(line.replace(SGR, ''));
    assert.ok(cols <= widthCols, `line is ${cols} columns wide, more than ${widthCols}:\n${line}`);
  }
}

/** The character starting at display column `col` of `line`, or undefined. */
function charAtCol(line, col) {
  for (const c of columns(line)) if (c.col === col && c.w > 0) return c.ch;
  return undefined;
}

/**
 * Inside each waterfall frame (the ruler's `┌…┐` down to `└…┘`) every row has
 * the frame's width and its bar border in the frame's column: wide characters
 * and cut names never shift a bar.
 */
function assertFramesAligned(stdout) {
  let frame = null;
  for (const line of stdout.replace(SGR, '').split('\n')) {
    if (/^ +┌[─┬]*┐$/.test(line)) {
      frame = { widthCols: displayWidthCols(line), leftCol: displayWidthCols(line.slice(0, line.indexOf('┌'))) };
      continue;
    }
    if (!frame) continue;
    assert.equal(displayWidthCols(line), frame.widthCols, `row not as wide as its frame:\n${line}`);
    assert.ok('┃│└'.includes(charAtCol(line, frame.leftCol) ?? '?'), `bar border not at column ${frame.leftCol}:\n${line}`);
    if (/┘$/.test(line)) frame = null;
  }
}

/** Compares with test/golden/NAME exactly, or writes it when UPDATE_GOLDEN=1. */
function compareGolden(name, actual) {
  const file = join(GOLDEN_DIR, name);
  if (UPDATE) {
    writeFileSync(file, actual);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `${name} differs; rerun with UPDATE_GOLDEN=1 if the change is intended, and read the diff`);
}

/** The trace ids of the waterfalls in `stdout`, in order (from each header). */
function shownTraceIds(stdout) {
  return [...stdout.matchAll(/(?:^| · |^ {2})trace (\S+)/gm)].map((m) => m[1]);
}

// The fixtures' traces, by id, for the selection tests below.
const CHECKOUT = '4bf92f3577b34da6a3ce929d0e0e4736'; // demo: 182ms, 2 errors, 11 spans, 2026
const HOME = '3f1c1e0a-4d5b-4c1e-9a77-5b0e2f3c9d11'; // demo/book: 72.9ms, no error
const TRACE_A = 'trace-a'; // interleaved: GET /cart 50ms, shop + db
const TRACE_B = 'trace-b'; // GET /orders 40ms, shop + db
const TRACE_C = 'trace-c'; // GET /health 1ms, shop only
const FIVE_TRACES = [fixture('demo.jsonl'), fixture('interleaved-traces.jsonl')];
// hostile-text.jsonl's second trace has a span that is its own parent; the warning escapes its ids.
const HOSTILE_STDERR = 'tracelog: trace evil\\x1b[2Jtrace\\u202e: span s\\x1b]8;;x\\x07 is its own parent; shown as a root\n';

// Spawning dominates the run time: the tests run four at a time.
describe('tracelog view', { concurrency: 4 }, () => {
  // ---------------------------------------------------------------------------
  // Golden waterfalls: <fixture>.<scenario>.view.txt, each read in review.

  const GOLDENS = [
    { name: 'book-example.default', args: [fixture('book-example.jsonl')] },
    { name: 'demo.events', args: [fixture('demo.jsonl'), '--events'] },
    { name: 'nested-parallel.default', args: [fixture('nested-parallel.jsonl')] },
    { name: 'orphan-parent.placeholder', args: [fixture('orphan-parent.jsonl')] },
    { name: 'clock-skew.default', args: [fixture('clock-skew.jsonl')] },
    { name: 'wide-characters.events', args: [fixture('wide-characters.jsonl'), '--events'] },
    { name: 'wide-characters.width-40', args: [fixture('wide-characters.jsonl'), '--events', '--width', '40'], width: 40 },
    { name: 'demo.width-40', args: [fixture('demo.jsonl'), '--events', '--width', '40'], width: 40 },
    { name: 'long-names.default', args: [fixture('long-names.jsonl')] },
    { name: 'long-names.width-40', args: [fixture('long-names.jsonl'), '--width', '40'], width: 40 },
    { name: 'demo.depth-1', args: [fixture('demo.jsonl'), '--trace', '4bf9', '--depth', '1'] },
    { name: 'book-example.tags', args: [fixture('book-example.jsonl'), '--tags', 'hostname', '--tags', 'user_name,missing'] },
    { name: 'book-example.all-tags', args: [fixture('book-example.jsonl'), '--all-tags'] },
    { name: 'nested-parallel.summary', args: [fixture('nested-parallel.jsonl'), '--summary'] },
    { name: 'nested-parallel.no-critical-path', args: [fixture('nested-parallel.jsonl'), '--no-critical-path'] },
    {
      name: 'hostile-text.everything',
      args: [fixture('hostile-text.jsonl'), '--events', '--all-tags', '--tags', 'user,note', '--summary'],
      stderr: HOSTILE_STDERR,
    },
  ];

  for (const { name, args, width = 100, stderr = '' } of GOLDENS) {
    test(`golden ${name}.view.txt: tracelog view ${args.join(' ')}`, async () => {
      const result = await runCli(['view', ...args]);
      assert.equal(result.stderr, stderr);
      assert.equal(result.code, 0);
      assertFits(result.stdout, width);
      assertFramesAligned(result.stdout);
      assert.ok(!result.stdout.includes('\x1b'), 'no escape sequence with colour off');
      compareGolden(`${name}.view.txt`, result.stdout);
    });
  }

  test('the width function counts what the renderer draws: CJK, emoji and VS16 as 2, combining marks as 0', () => {
    assert.equal(displayWidthCols('注文'), 4);
    assert.equal(displayWidthCols('🚀x'), 3);
    assert.equal(displayWidthCols('🛢️'), 2);
    assert.equal(displayWidthCols('cafe\u0301'), 4);
    assert.equal(displayWidthCols('├─┃█▏…◆✗⚠'), 9);
    assert.equal(displayWidthCols('한국어'), 6);
  });

  test('every line fits the width in display columns, from 20 to 160, for every fixture with names', async () => {
    const files = ['demo.jsonl', 'wide-characters.jsonl', 'long-names.jsonl', 'orphan-parent.jsonl', 'hostile-text.jsonl', 'nested-parallel.jsonl'].map(fixture);
    for (const width of [20, 33, 60, 79, 160]) {
      const stdout = await stdoutOf(['view', ...files, '--events', '--all-tags', '--tags', 'user,hostname', '--summary', '--width', String(width)], {
        stderr: HOSTILE_STDERR,
      });
      assertFits(stdout, width);
      assertFramesAligned(stdout);
    }
  });

  test('the width comes from $COLUMNS when not writing to a terminal; --width wins', async () => {
    const narrow = await stdoutOf(['view', fixture('demo.jsonl')], { env: cliEnv({ COLUMNS: '50' }) });
    assertFits(narrow, 50);
    assert.ok(narrow.split('\n').some((l) => displayWidthCols(l) === 50), 'the bars take the whole width');
    const flag = await stdoutOf(['view', fixture('demo.jsonl'), '--events', '--width', '40'], { env: cliEnv({ COLUMNS: '50' }) });
    assert.equal(flag, readFileSync(join(GOLDEN_DIR, 'demo.width-40.view.txt'), 'utf8'));
    const wide = await stdoutOf(['view', fixture('demo.jsonl')], { env: cliEnv({ COLUMNS: '99999' }) });
    assertFits(wide, 1000);
    assert.ok(wide.split('\n').some((l) => displayWidthCols(l) === 1000), '$COLUMNS past 1,000 draws 1,000 wide, as --width allows');
    const { COLUMNS, ...withoutColumns } = cliEnv();
    const fallback = await stdoutOf(['view', fixture('book-example.jsonl')], { env: withoutColumns });
    assert.equal(fallback, readFileSync(join(GOLDEN_DIR, 'book-example.default.view.txt'), 'utf8'), 'no COLUMNS: 100');
  });

  test('times are UTC whatever the time zone', async () => {
    for (const TZ of ['Asia/Tokyo', 'America/St_Johns']) {
      const stdout = await stdoutOf(['view', fixture('book-example.jsonl')], { env: cliEnv({ TZ }) });
      assert.equal(stdout, readFileSync(join(GOLDEN_DIR, 'book-example.default.view.txt'), 'utf8'), TZ);
    }
  });

  // ---------------------------------------------------------------------------
  // Selection.

  const SELECTIONS = [
    [[], [TRACE_A, HOME, TRACE_B, TRACE_C, CHECKOUT]],
    [['--trace', '4BF9'], [CHECKOUT]],
    [['--trace', 'trace-'], [TRACE_A, TRACE_B, TRACE_C]],
    [['--trace', 'nope'], []],
    [['--service', 'db'], [TRACE_A, TRACE_B]],
    [['--service', 'payments'], [CHECKOUT]],
    [['--service', 'pay'], []],
    [['--name', 'GET /*'], [TRACE_A, TRACE_B, TRACE_C, CHECKOUT]],
    [['--name', 'GET /???'], []],
    [['--name', 'GET /c?r*'], [TRACE_A, CHECKOUT]],
    [['--name', '/users/?ame'], [HOME]],
    [['--name', 'get /*'], []],
    [['--min-duration', '50ms'], [TRACE_A, HOME, CHECKOUT]],
    [['--min-duration', '50.1ms'], [HOME, CHECKOUT]],
    [['--min-duration', '1s'], []],
    [['--errors'], [CHECKOUT]],
    [['--slowest', '2'], [CHECKOUT, HOME]],
    [['--slowest', '3', '--sort', 'start'], [TRACE_A, HOME, CHECKOUT]],
    [['--limit', '2'], [TRACE_A, HOME]],
    [['--sort', 'duration'], [CHECKOUT, HOME, TRACE_A, TRACE_B, TRACE_C]],
    [['--sort', 'duration', '--limit', '3'], [CHECKOUT, HOME, TRACE_A]],
    [['--service', 'shop', '--min-duration', '40ms'], [TRACE_A, TRACE_B]],
    [['--service', 'shop', '--errors'], []],
  ];

  for (const [flags, expected] of SELECTIONS) {
    test(`selection: tracelog view demo.jsonl interleaved-traces.jsonl ${flags.join(' ')}`, async () => {
      const { code, stdout, stderr } = await runCli(['view', ...FIVE_TRACES, ...flags]);
      assert.equal(code, 0);
      assert.deepEqual(shownTraceIds(stdout), expected);
      assert.equal(stderr, expected.length === 0 ? 'tracelog: no traces to show\n' : '');
      if (expected.length === 0) assert.equal(stdout, '');
    });
  }

  test('a selected trace is drawn exactly as it is alone', async () => {
    const { code, stdout, stderr } = await runCli(['view', ...FIVE_TRACES, '--trace', '3f1c']);
    assert.deepEqual([code, stderr], [0, '']);
    assert.equal(stdout, readFileSync(join(GOLDEN_DIR, 'book-example.default.view.txt'), 'utf8'));
  });

  test('placeholders never match --service, --name or --errors: they were not logged', async () => {
    // Span `ghost` never arrives, only an error-level log line of service `ghost`; `lost` never arrives either.
    const log = join(tmp.dir, 'placeholders.jsonl');
    writeFileSync(
      log,
      [
        { time: '2024-05-01T10:00:00.000Z', trace_id: 'p', span_id: 'root', name: 'root', 'service.name': 'web', duration_ms: 100 },
        { time: '2024-05-01T10:00:00.010Z', trace_id: 'p', span_id: 'ghost', 'service.name': 'ghost', level: 50, msg: 'failed in a span never logged' },
        { time: '2024-05-01T10:00:00.020Z', trace_id: 'p', span_id: 'kid', parent_id: 'lost', name: 'kid', 'service.name': 'web', duration_ms: 5 },
      ].map((r) => `${JSON.stringify(r)}\n`).join(''),
    );
    for (const flags of [['--service', 'ghost'], ['--errors'], ['--name', 'missing*'], ['--name', '*ghost*']]) {
      const none = await runCli(['view', log, ...flags]);
      assert.deepEqual([none.code, none.stdout, none.stderr], [0, '', 'tracelog: no traces to show\n'], flags.join(' '));
    }
    const shown = await runCli(['view', log, '--name', 'k?d']);
    assert.deepEqual([shown.code, shown.stderr, shownTraceIds(shown.stdout)], [0, '', ['p']]);
    assert.match(shown.stdout, /\nmissing span ghost +≥0 │/);
    assert.match(shown.stdout, /\nmissing parent lost +≥5ms │/);
  });

  test('--summary covers only the traces shown', async () => {
    const { code, stdout, stderr } = await runCli(['view', ...FIVE_TRACES, '--service', 'db', '--summary']);
    assert.deepEqual([code, stderr], [0, '']);
    const summary = stdout.slice(stdout.lastIndexOf('\n\n') + 2);
    const rows = summary.split('\n').filter((l) => l.startsWith('│')).map((l) => l.slice(1, -1).split('│').map((c) => c.trim()));
    assert.deepEqual(rows, [
      ['service', 'operation', 'count', 'errors', 'p50', 'p95', 'max'],
      ['db', 'SELECT cart', '1', '0', '30ms', '30ms', '30ms'],
      ['db', 'SELECT orders', '1', '0', '20ms', '20ms', '20ms'],
      ['shop', 'GET /cart', '1', '0', '50ms', '50ms', '50ms'],
      ['shop', 'GET /orders', '1', '0', '40ms', '40ms', '40ms'],
    ]);
  });

  const VIEW_USAGE_ERRORS = [
    [['--width', '10'], /expected a width from 20 to 1000/],
    [['--width', 'wide'], /expected a width from 20 to 1000/],
    [['--min-duration', 'soon'], /'soon' is not a duration/],
    [['--slowest', '0'], /'0' is not a positive whole number/],
    [['--limit', '-1'], /'-1' is not a positive whole number|unknown option/],
    [['--sort', 'name'], /argument 'name' is invalid/],
    [['--depth', 'deep'], /'deep' is not a whole number/],
    [['--follow', '--slowest', '2'], /--slowest and --sort duration need all input/],
    [['--follow', '--sort', 'duration'], /--slowest and --sort duration need all input/],
    [['--idle', 'forever'], /'forever' is not a duration/],
  ];

  for (const [flags, message] of VIEW_USAGE_ERRORS) {
    test(`usage error exits 2: tracelog view book-example.jsonl ${flags.join(' ')}`, async () => {
      const { code, stdout, stderr } = await runCli(['view', fixture('book-example.jsonl'), ...flags]);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, /^(error|tracelog): /);
      assert.match(stderr, message);
      assert.doesNotMatch(stderr, STACK_TRACE);
    });
  }

  test('a missing file: one line on stderr, exit 2, the other files still shown', async () => {
    const { code, stdout, stderr } = await runCli(['view', 'missing.log', fixture('book-example.jsonl')]);
    assert.equal(code, 2);
    assert.equal(stdout, readFileSync(join(GOLDEN_DIR, 'book-example.default.view.txt'), 'utf8'));
    assert.equal(stderr, "tracelog: cannot read 'missing.log': no such file\n");
  });

  test('structural problems are reported once on stderr; --quiet silences them', async () => {
    const loud = await runCli(['view', fixture('cycle.jsonl'), fixture('duplicate-ids.jsonl')]);
    assert.equal(loud.code, 0);
    assert.match(loud.stdout, /^own parent · trace self-parent · /);
    assert.equal(
      loud.stderr,
      [
        // In trace start order: self-parent and dups both start at 10:00:00.000.
        'tracelog: trace self-parent: span a is its own parent; shown as a root',
        'tracelog: trace dups: 2 spans share id dup; all kept',
        'tracelog: trace two-cycle: parent cycle b → a → b broken at b',
        'tracelog: trace three-cycle: parent cycle a → c → b → a broken at a',
        '',
      ].join('\n'),
    );
    const quiet = await runCli(['view', fixture('cycle.jsonl'), fixture('duplicate-ids.jsonl'), '--quiet']);
    assert.deepEqual([quiet.code, quiet.stderr, quiet.stdout], [0, '', loud.stdout]);
  });

  // ---------------------------------------------------------------------------
  // Terminal safety.

  const INJECTED = {
    'ESC[2J (clear screen)': '\x1b[2J',
    'OSC 8 hyperlink': '\x1b]8;;',
    'OSC 52 clipboard': '\x1b]52;',
    BEL: '\x07',
    CR: '\r',
    backspace: '\b',
    'C1 CSI': '\u009b',
    'bidi override U+202E': '\u202e',
    DEL: '\x7f',
    NUL: '\x00',
  };

  /** Every flag that prints text from the logs. */
  const EVERYTHING = [fixture('hostile-text.jsonl'), '--events', '--all-tags', '--tags', 'user,note', '--summary'];

  test('injected control sequences never reach stdout or stderr with colour off: no ESC byte at all', async () => {
    for (const colorFlag of [[], ['--no-color']]) {
      const { code, stdout, stderr } = await runCli(['view', ...EVERYTHING, ...colorFlag], { env: cliEnv(colorFlag.length ? { FORCE_COLOR: '3' } : {}) });
      assert.deepEqual([code, stderr], [0, HOSTILE_STDERR]);
      for (const [name, seq] of Object.entries(INJECTED)) {
        assert.ok(!stdout.includes(seq), `${name} in stdout`);
        assert.ok(!stderr.includes(seq), `${name} in stderr`);
      }
      assert.doesNotMatch(stdout, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u);
      assert.doesNotMatch(stderr, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]/u);
      // Shown as visible escapes instead.
      assert.ok(stdout.includes('GET /\\x1b[2Jhome\\x1b]8;;http://ev'), 'name');
      assert.ok(stdout.includes('web\\x07\\x08\\x08\\x08'), 'service');
      assert.ok(stdout.includes('user=\\x9b31mred\\u202etxt.exe'), 'tag');
      assert.ok(stdout.includes('event \\x1b]52;c;ZWNobyBoaQ==\\x07 \\x9b2J'), 'event message');
      assert.ok(stdout.includes('status: boom\\x1b[5m\\x1b]0;pwned\\x07'), 'status message');
      assert.ok(stdout.includes('trace evil\\x1b[2Jtrace\\u202e'), 'trace id');
    }
  });

  test('with --color every ESC in stdout starts one of our SGR sequences, never 2J or OSC', async () => {
    for (const env of [cliEnv(), cliEnv({ FORCE_COLOR: '3' }), cliEnv({ COLORTERM: 'truecolor' })]) {
      const { code, stdout, stderr } = await runCli(['view', ...EVERYTHING, '--color'], { env });
      assert.deepEqual([code, stderr], [0, HOSTILE_STDERR]);
      assert.ok(stdout.includes('\x1b['), 'coloured');
      const escapes = stdout.split('\x1b').length - 1;
      const sgr = stdout.match(SGR)?.length ?? 0;
      assert.equal(sgr, escapes, 'every ESC is an SGR sequence');
      const plain = stdout.replace(SGR, '');
      assert.ok(!plain.includes('\x1b'));
      assert.doesNotMatch(plain, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/u);
      assert.ok(!stderr.includes('\x1b'));
      assertFits(stdout, 100);
      assertFramesAligned(stdout);
      // Colour adds emphasis, and starts bars at any eighth with reverse video: apart from the bars' glyphs the text is the same.
      const uncoloured = await stdoutOf(['view', ...EVERYTHING, '--no-color'], { env, stderr });
      assert.equal(sameBlocks(plain), sameBlocks(uncoloured));
    }
  });

  // ---------------------------------------------------------------------------
  // Colour choice: NO_COLOR, FORCE_COLOR, --color, --no-color.

  const hasSgr = (text) => /\x1b\[[0-9;]*m/.test(text);
  const noColorVars = () => {
    const { NO_COLOR, ...env } = cliEnv();
    return env;
  };

  const COLOR_CASES = [
    ['NO_COLOR=1, piped', cliEnv(), [], false],
    ['no NO_COLOR, piped: colour only on a terminal', noColorVars(), [], false],
    ['FORCE_COLOR=1, piped', { ...noColorVars(), FORCE_COLOR: '1' }, [], true],
    ['FORCE_COLOR=0', { ...noColorVars(), FORCE_COLOR: '0' }, [], false],
    ['--color with NO_COLOR=1', cliEnv(), ['--color'], true],
    ['--color with FORCE_COLOR=0', { ...noColorVars(), FORCE_COLOR: '0' }, ['--color'], true],
    ['--no-color with FORCE_COLOR=1', { ...noColorVars(), FORCE_COLOR: '1' }, ['--no-color'], false],
    ['--color --no-color: the last wins', cliEnv(), ['--color', '--no-color'], false],
  ];

  for (const [label, env, flags, coloured] of COLOR_CASES) {
    test(`colour: ${label} → ${coloured ? 'colour' : 'none'}`, async () => {
      const { code, stdout, stderr } = await runCli(['view', fixture('book-example.jsonl'), ...flags], { env });
      assert.deepEqual([code, stderr], [0, '']);
      assert.equal(hasSgr(stdout), coloured);
      if (!coloured) assert.ok(!stdout.includes('\x1b'));
      assert.equal(sameBlocks(stdout.replace(SGR, '')), sameBlocks(readFileSync(join(GOLDEN_DIR, 'book-example.default.view.txt'), 'utf8')));
    });
  }

  test('colour depth: FORCE_COLOR=1 gives 16 colours, --color with FORCE_COLOR=3 truecolor, TERM=xterm-256color 256', async () => {
    const sixteen = await stdoutOf(['view', fixture('book-example.jsonl')], { env: { ...noColorVars(), FORCE_COLOR: '1' } });
    assert.ok(hasSgr(sixteen));
    assert.doesNotMatch(sixteen, /\x1b\[[0-9;]*38;[25];/);
    const truecolor = await stdoutOf(['view', fixture('book-example.jsonl'), '--color'], { env: cliEnv({ FORCE_COLOR: '3' }) });
    assert.match(truecolor, /\x1b\[38;2;\d+;\d+;\d+m/);
    const { COLORTERM, ...without24bit } = cliEnv({ TERM: 'xterm-256color' });
    const palette = await stdoutOf(['view', fixture('book-example.jsonl'), '--color'], { env: without24bit });
    assert.match(palette, /\x1b\[38;5;\d+m/);
    assert.doesNotMatch(palette, /\x1b\[38;2;/);
  });

  // ---------------------------------------------------------------------------
  // A reader that goes away, and follow mode.

  function writeBigLog(path, traces) {
    const lines = [];
    const base = Date.parse('2024-05-01T10:00:00Z');
    for (let t = 0; t < traces; t++) {
      const traceId = (t + 1).toString(16).padStart(32, '0');
      const start = base + t * 1000;
      lines.push(JSON.stringify({ time: new Date(start).toISOString(), trace_id: traceId, span_id: `${t}-root`, name: 'GET /item', 'service.name': 'web', duration_ms: 40 + (t % 17) }));
      for (let c = 0; c < 4; c++) {
        lines.push(JSON.stringify({ time: new Date(start + 2 + c * 9).toISOString(), trace_id: traceId, span_id: `${t}-${c}`, parent_id: `${t}-root`, name: `step ${c}`, 'service.name': c % 2 ? 'db' : 'cache', duration_ms: 8 }));
      }
    }
    writeFileSync(path, `${lines.join('\n')}\n`);
  }

  test('tracelog view big.log | head -1: exit 0, nothing on stderr', async () => {
    const big = join(tmp.dir, 'big.log');
    writeBigLog(big, 2000);
    const { code, signal, firstLine, stderr } = await runCliFirstLine(['view', big]);
    assert.equal(signal, null);
    assert.equal(code, 0);
    assert.equal(stderr, '');
    assert.match(firstLine, /^GET \/item \(web\) · trace 0{31}1 · 2024-05-01T10:00:00\.000Z/);

    const shell = spawn('bash', ['-c', `set -o pipefail; ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} view ${JSON.stringify(big)} | head -1`], {
      cwd: ROOT,
      env: cliEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    shell.stdout.on('data', (c) => (out += c));
    shell.stderr.on('data', (c) => (err += c));
    const [status] = await once(shell, 'close');
    assert.equal(err, '');
    assert.equal(status, 0, 'pipefail: the tracelog side exited 0');
    assert.equal(out, `${firstLine}\n`);
  });

  /**
   * Spawns `tracelog view ...args` with stdin left open. Returns the child, a
   * function resolving once stdout contains `text` (or rejecting after `ms`), and
   * a promise of { code, stdout, stderr } at exit.
   */
  function spawnView(args, env = cliEnv()) {
    const child = spawn(process.execPath, [BIN, 'view', ...args], { cwd: ROOT, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const waiters = [];
    child.stdout.on('data', (c) => {
      stdout += c;
      for (const w of waiters) w();
    });
    child.stderr.on('data', (c) => (stderr += c));
    child.stdin.on('error', () => undefined);
    const exited = new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
    const waitFor = (text, ms) =>
      new Promise((resolve, reject) => {
        const check = () => stdout.includes(text) && (clearTimeout(timer), resolve(stdout));
        const timer = setTimeout(() => reject(new Error(`no ${JSON.stringify(text)} after ${ms}ms; stdout so far:\n${stdout}`)), ms);
        waiters.push(check);
        check();
      });
    return { child, waitFor, exited, output: () => stdout };
  }

  const BOOK = readFileSync(join(FIXTURES, 'book-example.jsonl'), 'utf8');
  const BOOK_GOLDEN = () => readFileSync(join(GOLDEN_DIR, 'book-example.default.view.txt'), 'utf8');
  const BOTTOM_BORDER = /\n {10,}└─+┘\n/;

  test('stdin is followed by default: a complete trace is shown while stdin is still open', async () => {
    const view = spawnView(['--idle', '200ms']);
    view.child.stdin.write(BOOK);
    const shown = await view.waitFor('┘\n', 5000);
    assert.equal(view.child.stdin.writableEnded, false, 'stdin still open');
    assert.equal(view.child.exitCode, null, 'still running');
    assert.equal(shown, BOOK_GOLDEN());
    // A second trace, written later, is shown when it completes.
    view.child.stdin.write(readFileSync(join(FIXTURES, 'clock-skew.jsonl')));
    await view.waitFor('⚠ skew', 5000);
    view.child.stdin.end();
    const { code, stdout, stderr } = await view.exited;
    assert.deepEqual([code, stderr], [0, '']);
    assert.equal(stdout, `${BOOK_GOLDEN()}\n${readFileSync(join(GOLDEN_DIR, 'clock-skew.default.view.txt'), 'utf8')}`);
  });

  test('following: a late span of a trace already shown comes out as a marked continuation', async () => {
    const view = spawnView(['--idle', '200ms']);
    view.child.stdin.write(BOOK);
    await view.waitFor('┘\n', 5000);
    view.child.stdin.write(
      `${JSON.stringify({ timestamp: 1714557600.15, 'trace.trace_id': HOME, 'trace.span_id': 'late-1', 'trace.parent_id': 'e4a8b6c2-9d0f-4e1a-b2c3-d4e5f6a7b8c9', name: 'late SELECT', service_name: 'db', duration_ms: 5 })}\n`,
    );
    await view.waitFor('late SELECT', 5000);
    view.child.stdin.end();
    const { code, stdout, stderr } = await view.exited;
    assert.deepEqual([code, stderr], [0, '']);
    assert.ok(stdout.startsWith(`${BOOK_GOLDEN()}\n`));
    const continuation = stdout.slice(BOOK_GOLDEN().length + 1);
    assert.match(continuation, new RegExp(`^↪ late spans of late SELECT \\(db\\) · trace ${HOME}\\n`));
    assert.match(continuation, /└╌ late SELECT +db +5ms/);
    assertFits(stdout, 100);
  });

  /** One small complete trace with its own id, as log lines. */
  const traceLines = (n) =>
    [
      { time: `2024-05-01T10:00:${String(n % 60).padStart(2, '0')}.000Z`, trace_id: `live-${n}`, span_id: 'root', name: `GET /${n}`, 'service.name': 'web', duration_ms: 20 },
      { time: `2024-05-01T10:00:${String(n % 60).padStart(2, '0')}.005Z`, trace_id: `live-${n}`, span_id: 'db', parent_id: 'root', name: 'SELECT', 'service.name': 'db', duration_ms: 10 },
    ]
      .map((r) => `${JSON.stringify(r)}\n`)
      .join('');

  /** Resolves with the exit of `view` if it comes within `ms`, else with null. */
  const exitWithin = (view, ms) => Promise.race([view.exited, new Promise((resolve) => setTimeout(() => resolve(null), ms))]);

  test('following with --limit: filters apply as traces complete; after N traces tracelog exits without waiting for the end of input', async () => {
    const view = spawnView(['--idle', '200ms', '--limit', '1', '--service', 'db']);
    view.child.stdin.write(BOOK); // no db span: not shown
    view.child.stdin.write(readFileSync(join(FIXTURES, 'interleaved-traces.jsonl')));
    const exit = await exitWithin(view, 5000);
    view.child.stdin.end();
    assert.ok(exit, 'still running with stdin open after the one trace asked for');
    assert.deepEqual([exit.code, exit.stderr], [0, '']);
    // trace-a and trace-b have db spans and complete together: either may come first, never both.
    const shown = shownTraceIds(exit.stdout);
    assert.equal(shown.length, 1);
    assert.ok([TRACE_A, TRACE_B].includes(shown[0]), shown[0]);
  });

  test('regression: following stdin, tracelog kept reading after the reader went away (`kubectl logs -f | tracelog view | head`)', async () => {
    const view = spawnView(['--idle', '100ms']);
    view.child.stdin.write(traceLines(1));
    await view.waitFor('\n', 5000);
    view.child.stdout.destroy(); // `head -1` has its line and exits
    // The next trace's write finds the pipe closed; stdin stays open, as an endless stream would.
    let n = 2;
    const feed = setInterval(() => view.child.stdin.write(traceLines(n++)), 100);
    const exit = await exitWithin(view, 5000);
    clearInterval(feed);
    view.child.stdin.end();
    assert.ok(exit, 'still running with stdin open after its reader went away');
    assert.deepEqual([exit.code, exit.stderr], [0, '']);
  });

  test('--no-follow on stdin waits for the end of input, then shows traces in start order', async () => {
    const view = spawnView(['--idle', '200ms', '--no-follow']);
    view.child.stdin.write(readFileSync(join(FIXTURES, 'clock-skew.jsonl')));
    view.child.stdin.write(BOOK);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    assert.equal(view.output(), '', 'nothing before the end of input');
    view.child.stdin.end();
    const { code, stdout, stderr } = await view.exited;
    assert.deepEqual([code, stderr], [0, '']);
    // The book example (2024-05-01T10:00:00.118) starts after clock-skew (…00.090).
    assert.equal(stdout, `${readFileSync(join(GOLDEN_DIR, 'clock-skew.default.view.txt'), 'utf8')}\n${BOOK_GOLDEN()}`);
  });

  test('--slowest on stdin turns following off: the result needs all input', async () => {
    const view = spawnView(['--idle', '200ms', '--slowest', '1']);
    view.child.stdin.write(BOOK);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(view.output(), '');
    view.child.stdin.end(readFileSync(join(FIXTURES, 'interleaved-traces.jsonl')));
    const { code, stdout, stderr } = await view.exited;
    assert.deepEqual([code, stderr], [0, '']);
    assert.equal(stdout, BOOK_GOLDEN(), 'the book example (72.9ms) is longer than the interleaved traces');
  });

  test('a file is not followed unless asked: all traces in start order, whatever the order in the file', async () => {
    const { code, stdout, stderr } = await runCli(['view', fixture('interleaved-traces.jsonl')]);
    assert.deepEqual([code, stderr], [0, '']);
    assert.deepEqual(shownTraceIds(stdout), [TRACE_A, TRACE_B, TRACE_C]);
    assert.match(stdout, BOTTOM_BORDER);
  });

  test('stdin redirected from a file (`< app.log`) is read whole, as the file named is: it has an end', async () => {
    // With --window 1 following would push each trace out after one line of another, in pieces.
    const named = await runCli(['view', fixture('interleaved-traces.jsonl')]);
    const redirected = await runCli(['view', '--window', '1'], { stdinFile: fixture('interleaved-traces.jsonl') });
    assert.deepEqual(redirected, named);
    const piped = await runCli(['view', '--window', '1'], { input: readFileSync(fixture('interleaved-traces.jsonl')) });
    assert.deepEqual([piped.code, piped.stderr], [0, '']);
    assert.match(piped.stdout, /^↪ late spans of /m, 'a pipe is followed: the window pushed traces out before their last lines');
  });

  test('-o FILE: the waterfalls go to the file, nothing to stdout', async () => {
    const out = join(tmp.dir, 'view.txt');
    const { code, stdout, stderr } = await runCli(['view', fixture('book-example.jsonl'), '-o', out]);
    assert.deepEqual([code, stdout, stderr], [0, '', '']);
    assert.equal(readFileSync(out, 'utf8'), BOOK_GOLDEN());
  });

  test('an empty input says so on stderr and exits 0', async () => {
    const empty = await runCli(['view'], { input: '' });
    assert.deepEqual([empty.code, empty.stdout, empty.stderr], [0, '', 'tracelog: no input lines\n']);
  });

  test('regression: an event line cut before a wide character keeps the bar border in its column', async () => {
    // At 33 columns the event message is cut just before 料 (two columns): the row came out one column short.
    const { code, stdout, stderr } = await runCli(['view', fixture('wide-characters.jsonl'), '--events', '--width', '33']);
    assert.deepEqual([code, stderr], [0, '']);
    assert.ok(stdout.includes('\n│   ◆ +20ms 燃…  │   ◆          │\n'), stdout);
    assertFramesAligned(stdout);
  });

});
