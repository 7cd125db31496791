/**
 * Issue 9, "State files (merge)": a tampered state file is exit 3 naming the
 * field, never exit 70 and never a wrong report. The corpus is generated from a
 * state that uses every field of every seed detector: every object field
 * deleted, every value retyped / negative / non-integer / huge / NaN and
 * Infinity via $num / null, list items removed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AnalyzerError } from '../../src/errors.js';
import { buildReport, renderReport } from '../../src/report/index.js';
import { parseState, serializeState, type StateDocument } from '../../src/state-file.js';
import { runCli } from '../helpers.js';
import { richDocument } from './_states.js';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Step = string | number;

interface Mutation {
  label: string;
  /** the JSON path of the changed node, e.g. detectors.slow_tools.$map.0.1.count */
  at: Step[];
  doc: Json;
  /** a change that can leave a valid (different) state: accepted or rejected, never a crash */
  mayPass: boolean;
}

const REPLACEMENTS: [string, Json][] = [
  ['a string', '3'],
  ['an object', {}],
  ['a list', []],
  ['null', null],
  ['true', true],
  ['negative', -1],
  ['non-integer', 3.7],
  ['huge', 1e300],
  ['2^53', 2 ** 53],
  ['NaN via $num', { $num: 'NaN' }],
  ['Infinity via $num', { $num: 'Infinity' }],
  ['-Infinity via $num', { $num: '-Infinity' }],
  ['a bad $num', { $num: 'lots' }],
];

const clone = (x: Json): Json => JSON.parse(JSON.stringify(x)) as Json;

function setAt(root: Json, at: Step[], f: (parent: Json[] | Record<string, Json>, key: Step) => void): Json {
  const copy = clone(root);
  let node = copy as Json[] | Record<string, Json>;
  for (const s of at.slice(0, -1)) node = (node as Record<string, Json>)[s] as Json[] | Record<string, Json>;
  f(node, at[at.length - 1]!);
  return copy;
}

/** Lists whose items may be removed and still leave a valid state: map entries, set members, sum partials. */
function freeList(at: Step[]): boolean {
  const last = at[at.length - 1];
  return last === '$map' || last === '$set' || last === 'partials';
}

function mutations(root: Json): Mutation[] {
  const out: Mutation[] = [];
  const walk = (node: Json, at: Step[]): void => {
    if (node === null || typeof node !== 'object') return;
    const entries: [Step, Json][] = Array.isArray(node) ? node.map((v, i) => [i, v]) : Object.entries(node);
    for (const [k, v] of entries) {
      const p = [...at, k];
      const inPartials = at.includes('partials');
      // delete the field, or the list item
      out.push({
        label: `delete ${p.join('.')}`,
        at: p,
        doc: setAt(root, p, (parent, key) => (Array.isArray(parent) ? parent.splice(key as number, 1) : delete parent[key as string])),
        // every part of a location is optional
        mayPass: (Array.isArray(node) && freeList(at)) || at[at.length - 1] === 'context',
      });
      for (const [what, r] of REPLACEMENTS) {
        if (typeof v === 'string' && typeof r === 'string') continue; // another string is another valid name
        out.push({
          label: `${p.join('.')} := ${what}`,
          at: p,
          doc: setAt(root, p, (parent, key) => ((parent as Record<string, Json>)[key as string] = clone(r))),
          // any finite partial is a valid sum; a latency of 1e999 is Python's inf
          mayPass:
            (inPartials && typeof r === 'number') ||
            (k === 'special' && what === 'Infinity via $num') ||
            // an empty map, set or sum is an empty state
            ((k === '$map' || k === '$set' || k === 'partials') && what === 'a list') ||
            (k === 'context' && what === 'an object'),
        });
      }
      walk(v, p);
    }
  };
  walk(root, []);
  return out;
}

let valid: StateDocument;
let text: string;

beforeAll(async () => {
  valid = await richDocument();
  text = serializeState(valid);
});

function parse(t: string): StateDocument {
  return parseState(t, 'tampered.state');
}

describe('tampered state files', () => {
  it('the untampered document is read back as it was', () => {
    expect(serializeState(parse(text))).toBe(text);
  });

  it('every generated tampering is exit 3 with the field named, or (where the result can be valid) a state that renders', () => {
    const corpus = mutations(JSON.parse(text) as Json);
    expect(corpus.length).toBeGreaterThan(2000);
    const passed: string[] = [];
    for (const m of corpus) {
      let doc: StateDocument | undefined;
      try {
        doc = parse(JSON.stringify(m.doc));
      } catch (err) {
        expect(err, m.label).toBeInstanceOf(AnalyzerError);
        const e = err as AnalyzerError;
        expect(e.exitCode, m.label).toBe(3);
        expect(e.message, m.label).toMatch(/^Invalid state file: [^\n]+, in tampered\.state$/);
        continue;
      }
      passed.push(m.label);
      if (!m.mayPass) continue;
      // an accepted state is a state: the report builds and renders
      const report = buildReport(doc.state, { threshold: 0, hourlyRate: 50 });
      expect(renderReport(report, 'markdown', new Date(0))).toMatch(/^# Improvement Proposals/);
    }
    // the accepted ones are only the valid alternatives marked mayPass
    expect(passed.filter((l) => !corpus.find((m) => m.label === l)!.mayPass)).toEqual([]);
    expect(passed.length).toBeGreaterThan(0);
    expect(passed.length).toBeLessThan(corpus.length / 10);
  });

  const E0 = 'detectors.repeated_errors["e0 at /PATH"]';
  const BASH = 'detectors.slow_tools["sBash"]';
  // the cases issue 9 lists (exit 70 or a wrong report before)
  const cases: [string, (d: Record<string, any>) => void, string][] = [
    ['count "3"', (d) => (d.detectors.repeated_errors.$map[0][1].count = '3'), `${E0}.count: is a string, expected an integer >= 1`],
    ['missing display', (d) => delete d.detectors.slow_tools.$map[0][1].display, `${BASH}.display: is missing`],
    ['object display', (d) => (d.detectors.slow_tools.$map[0][1].display = {}), `${BASH}.display: is an object, expected a string`],
    ['count 3.7', (d) => (d.detectors.slow_tools.$map[0][1].count = 3.7), `${BASH}.count: is 3.7, expected an integer >= 1`],
    [
      'count 1e999 via $num',
      (d) => (d.detectors.repeated_errors.$map[0][1].count = { $num: '1e999' }),
      `${E0}.count: is Infinity, expected an integer >= 1`,
    ],
    [
      'manual count without data',
      (d) => (d.detectors.manual_processes.count = 10),
      'detectors.manual_processes.count: is 10, but the hours histogram holds 4 sessions',
    ],
    ['missing examples', (d) => delete d.detectors.repeated_errors.$map[0][1].examples, `${E0}.examples: is missing`],
    ['missing first', (d) => delete d.detectors.repeated_errors.$map[0][1].first, `${E0}.first: is missing`],
    ['missing sum', (d) => delete d.detectors.slow_tools.$map[0][1].sum, `${BASH}.sum: is missing`],
    ['null map value', (d) => (d.detectors.slow_tools.$map[0][1] = null), `${BASH}: is null, expected an object`],
    ['non-list top', (d) => (d.detectors.manual_processes.top = {}), 'detectors.manual_processes.top: is an object, expected a list'],
    ['negative sessions', (d) => (d.sessions = -1), 'sessions: is -1, expected an integer >= 0'],
    [
      'a rank out of order',
      (d) => (d.detectors.repeated_errors.$map[0][1].examples[1].at = [0]),
      `${E0}.examples[1].at: is not after the previous example`,
    ],
    [
      'first not the first example',
      (d) => (d.detectors.repeated_errors.$map[0][1].first = [0]),
      `${E0}.first: differs from the first example, which is the first occurrence`,
    ],
    [
      'top not the histogram',
      (d) => (d.detectors.manual_processes.top[0].hours = 1.8),
      'detectors.manual_processes.top: does not match the hours histogram at 1.9 hours',
    ],
    ['a map pair of one', (d) => (d.detectors.retry_streaks.$map[0] = ['sBash']), 'detectors.retry_streaks.$map[0]: is not a [key, value] pair'],
    [
      'a repeated map key',
      (d) => d.detectors.retry_streaks.$map.push(d.detectors.retry_streaks.$map[0]),
      'detectors.retry_streaks.$map[3]: repeats the key "sBash"',
    ],
    [
      'an unknown field',
      (d) => (d.detectors.retry_streaks.$map[0][1].extra = 1),
      'detectors.retry_streaks["sBash"]["extra"]: is not a field of this state',
    ],
    [
      '__proto__ field',
      (d) => Object.defineProperty(d, '__proto__', { value: { format: 'x' }, enumerable: true }),
      '(document)["__proto__"]: is not a field of this state',
    ],
    ['a missing detector', (d) => delete d.detectors.retry_streaks, 'detectors.retry_streaks: is missing'],
    ['an unknown profile', (d) => (d.profile = 'nonesuch'), "profile: is 'nonesuch', not a profile of this build (seed, fleet)"],
    [
      'a display that is not its key',
      (d) => (d.detectors.retry_streaks.$map[0][1].display = 'Read'),
      'detectors.retry_streaks["sBash"].display: does not match the key',
    ],
    [
      'a negative latency sum',
      (d) => (d.detectors.slow_tools.$map[0][1].sum.partials = [-5]),
      `${BASH}.sum: is not positive, expected a sum of positive latencies`,
    ],
    ['malformed without its records', (d) => (d.malformed.first = []), 'malformed.first: has 0 items for 2 skipped records'],
  ];

  it.each(cases)('%s', (_label, tamper, message) => {
    const d = JSON.parse(text) as Record<string, any>;
    tamper(d);
    const err = (() => {
      try {
        parse(JSON.stringify(d));
      } catch (e) {
        return e as AnalyzerError;
      }
      throw new Error('accepted');
    })();
    expect(err).toBeInstanceOf(AnalyzerError);
    expect(err.code).toBe('FP_INPUT');
    expect(err.message).toBe(`Invalid state file: ${message}, in tampered.state`);
  });

  it('merge of a tampered file exits 3 with one line naming the field', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fp-tampered-'));
    const good = path.join(dir, 'good.state');
    const bad = path.join(dir, 'bad.state');
    writeFileSync(good, text);
    const d = JSON.parse(text) as Record<string, any>;
    d.detectors.slow_tools.$map[0][1].count = 3.7;
    writeFileSync(bad, JSON.stringify(d));
    const r = await runCli(['merge', good, bad]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`Invalid state file: ${BASH}.count: is 3.7, expected an integer >= 1, in ${bad}`);
    expect((await runCli(['merge', good, good])).code).toBe(0);
  });
});
