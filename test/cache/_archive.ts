/** Small random archives for the cache tests: sessions drawn from few keys, so first-seen order matters across files. */
import fc from 'fast-check';

const TOOLS = ['Bash', 'Read', 'Edit', 'WebFetch', 'Grep'];
const ERRORS = ['ENOENT: no such file', 'timeout after 30s', 'TypeError: x is undefined', 'exit code 1'];
const REPOS = ['api', 'web', 'cli'];

export const sessionArb = fc.record({
  session_id: fc.string({ minLength: 1, maxLength: 6 }),
  repo: fc.constantFrom(...REPOS),
  errors: fc.array(fc.record({ message: fc.constantFrom(...ERRORS) }), { maxLength: 4 }),
  tool_calls: fc.array(fc.record({ tool: fc.constantFrom(...TOOLS), latency_ms: fc.integer({ min: 0, max: 20000 }) }), { maxLength: 14 }),
  duration_minutes: fc.integer({ min: 0, max: 300 }),
});

/** A record: mostly sessions, sometimes one the analysis skips as malformed. */
export const recordArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 12, arbitrary: sessionArb },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(42, 'text', { tool_calls: 'no' }) },
);

export function jsonLines(records: readonly unknown[]): string {
  return records.map((r) => JSON.stringify(r) + '\n').join('');
}
