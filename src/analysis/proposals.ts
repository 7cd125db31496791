/**
 * The reference's improvement proposal and its ROI arithmetic (`generate_proposals`'s
 * `ImprovementProposal`, weekly = monthly / 4, priority by ROI weeks): what every seed detector
 * writes its proposals with (profiles/seed/). Collecting them in registry order, sorting and the
 * threshold filter are the seed report's (profiles/seed/report.ts).
 */
import { pyRound } from '../python/index.js';

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
