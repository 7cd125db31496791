/**
 * Patterns -> improvement proposals with ROI (`generate_proposals`), and the
 * threshold filter of the reference's main(). Each seed detector writes its own
 * proposals (profiles/seed/); they are collected in registry order, then sorted
 * by monthly hours (stable), as the reference does.
 */
import { pyRound } from '../python/index.js';
import type { PatternSet } from './patterns.js';

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

/** A proposal with the reference's ROI arithmetic (weekly = monthly / 4). */
export function makeProposal(
  fields: Pick<ImprovementProposal, 'title' | 'problem' | 'proposed_solution' | 'affected_area' | 'supporting_evidence'>,
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
  const out: ImprovementProposal[] = [];
  for (const { detector, result } of patterns.findings) {
    const own = patterns.sorted.filter((p) => p.pattern_type === detector.patternType);
    out.push(...detector.proposals(result, own, overhead));
  }
  return out.sort((a, b) =>
    a.estimated_monthly_hours_saved === b.estimated_monthly_hours_saved
      ? 0
      : a.estimated_monthly_hours_saved > b.estimated_monthly_hours_saved
        ? -1
        : 1,
  );
}

/** main()'s filter: keep proposals whose monthly hours reach the threshold. */
export function applyThreshold(proposals: readonly ImprovementProposal[], threshold: number): ImprovementProposal[] {
  return proposals.filter((p) => p.estimated_monthly_hours_saved >= threshold);
}
