/** The reference's `format_proposals_markdown`, line for line. */
import type { PatternSet } from '../profiles/seed/report.js';
import type { ImprovementProposal } from '../analysis/proposals.js';
import { cpSlice, floatRepr, formatFixed } from '../python/index.js';

function sum(values: readonly number[]): number {
  let s = 0; // Python's sum() starts from int 0
  for (const v of values) s += v;
  return s;
}

export function renderMarkdown(proposals: readonly ImprovementProposal[], patterns: PatternSet, generatedAt: string): string {
  const lines: string[] = [
    '# Improvement Proposals',
    '',
    `Generated: ${generatedAt}`,
    `Based on analysis of ${patterns.wasteEvents} waste events across ${patterns.repoCount} repos.`,
    '',
    '---',
    '',
    '## Summary',
    '',
    '| Metric | Value |',
    '|--------|-------|',
    `| Total proposals | ${proposals.length} |`,
    `| Critical priority | ${proposals.filter((p) => p.priority === 'critical').length} |`,
    `| Total monthly hours wasted | ${formatFixed(sum(proposals.map((p) => p.estimated_monthly_hours_saved)), 1)}h |`,
    `| Total weekly hours recoverable | ${formatFixed(sum(proposals.map((p) => p.estimated_weekly_hours_saved)), 1)}h |`,
    `| Implementation investment | ${formatFixed(sum(proposals.map((p) => p.implementation_hours)), 1)}h |`,
    '',
    '---',
    '',
  ];
  proposals.forEach((prop, idx) => {
    lines.push(
      `## ${idx + 1}. ${prop.title}`,
      '',
      `**Priority:** ${prop.priority.toUpperCase()} `,
      `**Area:** ${prop.affected_area} `,
      `**ROI break-even:** ${formatFixed(prop.roi_weeks, 1)} weeks`,
      '',
      '### Problem',
      '',
      prop.problem,
      '',
      '### Proposed Solution',
      '',
      prop.proposed_solution,
      '',
      '### ROI Estimate',
      '',
      `- Weekly hours saved: **${floatRepr(prop.estimated_weekly_hours_saved)}h**`,
      `- Monthly hours saved: **${floatRepr(prop.estimated_monthly_hours_saved)}h**`,
      `- Implementation time: **${floatRepr(prop.implementation_hours)}h**`,
      `- Break-even: **${formatFixed(prop.roi_weeks, 1)} weeks**`,
      '',
    );
    if (prop.supporting_evidence.length > 0) {
      lines.push('### Evidence', '');
      for (const ev of prop.supporting_evidence) lines.push(`- ${ev}`);
      lines.push('');
    }
    lines.push('---', '');
  });
  lines.push(
    '## Appendix: Detected Waste Patterns',
    '',
    '| Type | Description | Occurrences | Hours |',
    '|------|-------------|-------------|-------|',
  );
  for (const p of patterns.sorted.slice(0, 20)) {
    lines.push(`| ${p.pattern_type} | ${cpSlice(p.description, 60)} | ${p.occurrences} | ${floatRepr(p.total_time_hours)}h |`);
  }
  lines.push('');
  return lines.join('\n');
}
