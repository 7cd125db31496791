/**
 * Patterns -> improvement proposals with ROI (`generate_proposals`), and the
 * threshold filter of the reference's main().
 */
import { cpSlice, formatFixed, pyRound } from '../python/index.js';
import type { PatternSet, WastePattern } from './patterns.js';

export type Priority = 'critical' | 'high' | 'medium' | 'low';

export interface ImprovementProposal {
  title: string;
  problem: string;
  proposed_solution: string;
  estimated_weekly_hours_saved: number;
  estimated_monthly_hours_saved: number;
  implementation_hours: number;
  /** Infinity when the proposal never breaks even (written as null in JSON) */
  roi_weeks: number;
  priority: Priority;
  affected_area: string;
  supporting_evidence: string[];
}

/** The reference's default; it multiplies every implementation estimate. */
export const IMPLEMENTATION_OVERHEAD = 1.5;

export function priorityFromRoi(roiWeeks: number): Priority {
  if (roiWeeks <= 1) return 'critical';
  if (roiWeeks <= 4) return 'high';
  if (roiWeeks <= 12) return 'medium';
  return 'low';
}

function roi(implHours: number, weeklyHours: number): number {
  return weeklyHours > 0 ? implHours / weeklyHours : Infinity;
}

function proposal(
  fields: Omit<ImprovementProposal, 'estimated_weekly_hours_saved' | 'estimated_monthly_hours_saved' | 'implementation_hours' | 'roi_weeks' | 'priority'>,
  monthlyHours: number,
  implHours: number,
): ImprovementProposal {
  const weekly = monthlyHours / 4;
  const r = roi(implHours, weekly);
  return {
    title: fields.title,
    problem: fields.problem,
    proposed_solution: fields.proposed_solution,
    estimated_weekly_hours_saved: pyRound(weekly, 1),
    estimated_monthly_hours_saved: pyRound(monthlyHours, 1),
    implementation_hours: pyRound(implHours, 1),
    roi_weeks: pyRound(r, 1),
    priority: priorityFromRoi(r),
    affected_area: fields.affected_area,
    supporting_evidence: fields.supporting_evidence,
  };
}

/**
 * `hourlyRate` is accepted for parity with the reference, which takes it and
 * never uses it.
 */
export function generateProposals(patterns: PatternSet, _hourlyRate = 50.0, overhead = IMPLEMENTATION_OVERHEAD): ImprovementProposal[] {
  const byType = (t: WastePattern['pattern_type']) => patterns.sorted.filter((p) => p.pattern_type === t);
  const out: ImprovementProposal[] = [];
  for (const p of byType('repeated_error')) {
    out.push(
      proposal(
        {
          title: `Fix repeated error: ${cpSlice60(p.description)}`,
          problem: `This error occurred ${p.occurrences} times across ${p.affected_repos.length} repos, wasting ~${formatFixed(p.total_time_hours, 1)} hours.`,
          proposed_solution: 'Root-cause the error and create a permanent fix or mitigation skill.',
          affected_area: 'reliability',
          supporting_evidence: [`${p.occurrences} occurrences in sessions: ${p.example_sessions.slice(0, 3).join(', ')}`],
        },
        p.total_time_hours,
        Math.max(1.0, p.occurrences * 0.25) * overhead,
      ),
    );
  }
  for (const p of byType('slow_tool')) {
    out.push(
      proposal(
        {
          title: `Optimize slow tool: ${cpSlice60(p.description)}`,
          problem: `Tool has ${p.occurrences} calls with high latency, wasting ~${formatFixed(p.total_time_hours, 1)} hours total.`,
          proposed_solution: 'Profile the tool, add caching, or replace with a faster alternative.',
          affected_area: 'performance',
          supporting_evidence: [`${p.occurrences} slow calls detected`],
        },
        p.total_time_hours,
        3.0 * overhead,
      ),
    );
  }
  for (const p of byType('failed_retry')) {
    out.push(
      proposal(
        {
          title: `Reduce retries for tool '${cpSlice(p.description, 50)}'`,
          problem: `Tool had ${p.occurrences} retry sequences, wasting ~${formatFixed(p.total_time_hours, 1)} hours.`,
          proposed_solution: 'Add input validation, pre-flight checks, or automatic retry with backoff.',
          affected_area: 'reliability',
          supporting_evidence: [`${p.occurrences} retry sequences detected`],
        },
        p.total_time_hours,
        2.0 * overhead,
      ),
    );
  }
  const n = patterns.manual.count;
  if (n > 0) {
    const total = patterns.manual.totalHours;
    out.push(
      proposal(
        {
          title: `Automate ${n} manual processes`,
          problem: `${n} sessions had long manual tool sequences, wasting ~${formatFixed(total, 1)} hours.`,
          proposed_solution: 'Create composite skills or scripts that combine the repeated tool sequences into single operations.',
          affected_area: 'automation',
          supporting_evidence: [`${n} manual sessions detected`],
        },
        total,
        n * 2.0 * overhead,
      ),
    );
  }
  return out.sort((a, b) =>
    a.estimated_monthly_hours_saved === b.estimated_monthly_hours_saved ? 0 : a.estimated_monthly_hours_saved > b.estimated_monthly_hours_saved ? -1 : 1,
  );
}

function cpSlice60(s: string): string {
  return cpSlice(s, 60);
}

/** main()'s filter: keep proposals whose monthly hours reach the threshold. */
export function applyThreshold(proposals: readonly ImprovementProposal[], threshold: number): ImprovementProposal[] {
  return proposals.filter((p) => p.estimated_monthly_hours_saved >= threshold);
}
