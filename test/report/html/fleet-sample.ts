/**
 * Hand-made fleet reports (issue 10's JSON shape) for the fleet page, until the fleet
 * profile produces real ones: a small one whose numbers are easy to check by eye, and
 * `manyFindings(n)` for the 10,000-finding page. Deterministic (a fixed LCG, no clock).
 */
import type { FleetFinding, FleetFindingKind, FleetReport } from '../../../src/report/html/index.js';

const KINDS: FleetFindingKind[] = ['failed_retry', 'error_cluster', 'tool_time', 'friction', 'toil', 'cost'];
const CATEGORIES = ['git', 'test failure', 'edit mismatch', 'not found', 'hook/pre-commit', 'permission', 'network/timeout', 'other'];

export function smallFleetReport(): FleetReport {
  const ev = (id: string, line: number) => ({ session_id: id, file: `claude-code/${id}.jsonl`, line });
  return {
    profile: 'fleet',
    span: { from: '2025-06-02T09:00:00Z', to: '2025-07-14T17:00:00Z', weeks: 6.1 },
    sessions: 42,
    cost: {
      prices: { as_of: '2025-11-01', source: 'hand-made test prices' },
      total_usd: 51.72,
      tokens: { input: 6602, output: 214854, cache_write: 1864346, cache_read: 79186952 },
      models: [
        { model: 'claude-sonnet-4', usd: 40.5, sessions: 30 },
        { model: 'claude-opus-4', usd: 11.22, sessions: 5 },
        { model: 'local-llama', usd: null, sessions: 7 },
      ],
      repos: [
        { repo: 'github.com/acme/api', model: 'claude-sonnet-4', usd: 25 },
        { repo: 'github.com/acme/web', model: 'claude-sonnet-4', usd: 15.5 },
        { repo: 'github.com/acme/api', model: 'claude-opus-4', usd: 5.02 },
        { repo: 'local/scratch', model: 'claude-opus-4', usd: 6.2 },
        { repo: 'local/scratch', model: 'local-llama', usd: null },
      ],
    },
    findings: [
      {
        kind: 'failed_retry',
        key: 'Bash: git commit',
        sessions: ['ae4a77f8'],
        occurrences: 7,
        hours_per_week: 1.5,
        proposal: {
          title: 'Run the pre-commit hook before committing',
          action: 'Add `mix format` to the agent instructions before `git commit`.',
          priority: 'high',
        },
        evidence: [ev('ae4a77f8', 10), ev('ae4a77f8', 14), ev('ae4a77f8', 19), ev('ae4a77f8', 25), ev('ae4a77f8', 31)],
      },
      {
        kind: 'error_cluster',
        key: 'fatal: The current branch <branch> has no upstream branch.',
        category: 'git',
        sessions: ['s1', 's2', 's3', 's4'],
        occurrences: 4,
        hours_per_week: 0.5,
        proposal: { title: 'Push with --set-upstream', action: 'Use `git push -u origin HEAD`.', priority: 'medium' },
        evidence: [ev('s1', 3), ev('s2', 8), ev('s3', 2), ev('s4', 40)],
      },
      {
        kind: 'error_cluster',
        key: 'String to replace not found in file.',
        category: 'edit mismatch',
        sessions: ['s2', 's5'],
        occurrences: 3,
        hours_per_week: 0.2,
        proposal: { title: 'Re-read the file before editing', action: 'Read the file again after a failed edit.', priority: 'low' },
        evidence: [ev('s2', 11), ev('s5', 7), ev('s5', 9)],
      },
      {
        kind: 'friction',
        key: 'user rejected Bash: rm',
        category: 'user rejection',
        sessions: ['s6'],
        occurrences: 2,
        hours_per_week: 0.1,
        proposal: { title: 'Ask before deleting', action: 'Add a deny rule for `rm -rf`.', priority: 'low' },
        evidence: [ev('s6', 5), ev('s6', 12)],
      },
    ],
    tools: [
      { kind: 'tool', key: 'Bash', calls: 120, failed: 18, rejected: 2, measured_median_ms: 1800, measured_p90_ms: 9500, waiting_ms: 3_240_000 },
      { kind: 'tool', key: 'Edit', calls: 80, failed: 3, rejected: 1, measured_median_ms: 120, measured_p90_ms: 400, waiting_ms: 60_000 },
      { kind: 'tool', key: 'Read', calls: 200, failed: 1, rejected: 0, measured_median_ms: 40, measured_p90_ms: 120, waiting_ms: 0 },
      { kind: 'tool', key: 'WebSearch', calls: 3, failed: 0, rejected: 0, measured_median_ms: null, measured_p90_ms: null, waiting_ms: 0 },
      {
        kind: 'family',
        key: 'git commit',
        calls: 37,
        failed: 9,
        rejected: 0,
        measured_median_ms: 61000,
        measured_p90_ms: 180000,
        waiting_ms: 3_000_000,
      },
      { kind: 'family', key: 'npm test', calls: 20, failed: 5, rejected: 0, measured_median_ms: 8000, measured_p90_ms: 30000, waiting_ms: 0 },
    ],
    files: [
      { file: 'claude-code/ae4a77f8.jsonl', sessions: 1, calls: 90, failed: 12 },
      { file: 'codex/rollout-1.jsonl', sessions: 1, calls: 40, failed: 2 },
    ],
    weekly: [
      { week: '2025-06-02', hours_lost: 2.5, cost_usd: 8.1 },
      { week: '2025-06-09', hours_lost: 1.0, cost_usd: 12.4 },
      { week: '2025-06-16', hours_lost: 3.2, cost_usd: 6 },
      { week: '2025-06-23', hours_lost: 0.4, cost_usd: 9.9 },
      { week: '2025-06-30', hours_lost: 1.7, cost_usd: 7.32 },
      { week: '2025-07-07', hours_lost: 2.1, cost_usd: 8 },
    ],
  };
}

/** A report with `n` findings of every kind, hours descending, ten evidence lines each. */
export function manyFindings(n: number): FleetReport {
  let seed = 12345;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const findings: FleetFinding[] = [];
  for (let i = 0; i < n; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const sessions = Array.from({ length: 1 + (i % 5) }, (_, j) => `sess-${String((i * 7 + j) % 9973).padStart(5, '0')}`).sort();
    findings.push({
      kind,
      key: `${kind} key ${i}: ${['git commit', 'npm test', 'ENOENT: no such file <path>', 'String to replace not found'][i % 4]}`,
      ...(kind === 'error_cluster' ? { category: CATEGORIES[i % CATEGORIES.length]! } : {}),
      sessions,
      occurrences: 1 + Math.floor(rand() * 50),
      hours_per_week: Math.round(((n - i) * 1000) / n) / 100,
      proposal: { title: `Proposal ${i}`, action: `Do the thing for finding ${i}.`, priority: i < n / 10 ? 'high' : i < n / 3 ? 'medium' : 'low' },
      evidence: Array.from({ length: 10 }, (_, j) => ({
        session_id: sessions[j % sessions.length]!,
        file: `logs/${sessions[j % sessions.length]}.jsonl`,
        line: 1 + j * 13,
      })),
    });
  }
  const base = smallFleetReport();
  return { ...base, sessions: 25_000, findings };
}
