/**
 * The fleet page's "Where to look first": per kind, the findings the report ranks first by
 * what that kind is about (src/fleet/report/rank.ts: failed attempts, sessions affected,
 * occurrences, time, dollars), each linked to its row in the findings table. The findings
 * table itself stays ordered by time lost.
 */
import { escapeHtml as e } from './escape.js';
import type { FleetFinding, FleetFindingKind, FleetReport } from './fleet-model.js';
import { formatNumber, priorityBadge, renderTable } from './page.js';

const TITLES: Record<FleetFindingKind, string> = {
  failed_retry: 'Failure loops',
  error_cluster: 'Recurring errors',
  tool_time: 'Tool time',
  friction: 'Friction',
  toil: 'Toil',
  cost: 'Cost',
};

function lost(f: FleetFinding): { text: string; sort: number } {
  if (f.kind === 'cost') return { text: '', sort: 0 };
  const sec = f.seconds_lost ?? (f.hours ?? 0) * 3600;
  const text =
    sec === 0 ? '–' : sec < 60 ? `${formatNumber(sec)} s` : sec < 3600 ? `${formatNumber(sec / 60, 1)} min` : `${formatNumber(sec / 3600, 1)} h`;
  return { text, sort: sec };
}

/** The measure the list is ranked by, where the other columns do not show it. */
function what(f: FleetFinding): { text: string; sort?: number } {
  const attempts = f.details?.['attempts'];
  if (f.kind === 'failed_retry' && typeof attempts === 'number') return { text: `${formatNumber(attempts)} failed attempts`, sort: attempts };
  if (f.kind === 'cost') return { text: `$${formatNumber(f.cost_usd ?? 0, 2)}`, sort: f.cost_usd ?? 0 };
  return { text: f.category ?? '' };
}

/** The lists as sections of tables (empty when the report has none). */
export function renderWhereToLookFirst(r: FleetReport): string {
  const lists = r.where_to_look_first ?? [];
  return lists
    .map((list) => {
      const rows = list.findings.flatMap((n) => {
        const f = r.findings[n - 1];
        if (f === undefined) return [];
        return [
          {
            cells: [
              { text: String(n), sort: n },
              { html: `<a class="mono" href="#finding-${n}">${e(f.key)}</a>` },
              what(f),
              { text: formatNumber(f.session_count ?? f.sessions.length), sort: f.session_count ?? f.sessions.length },
              { text: formatNumber(f.occurrences), sort: f.occurrences },
              lost(f),
              { html: priorityBadge(f.proposal.priority), sort: ['low', 'medium', 'high', 'critical'].indexOf(f.proposal.priority) },
            ],
          },
        ];
      });
      const table = renderTable({
        id: `top-${list.kind}`,
        caption: TITLES[list.kind],
        columns: [
          { label: '#', numeric: true },
          { label: 'Key', wide: true },
          { label: 'What', nowrap: true },
          { label: 'Sessions', numeric: true },
          { label: 'Times', numeric: true },
          { label: 'Time lost', numeric: true },
          { label: 'Priority' },
        ],
        rows,
        emptyText: 'None.',
      });
      return `<h3 data-top="${e(list.kind)}">${e(TITLES[list.kind])} <span class="note">by ${e(list.ranked_by)}</span></h3>${table}`;
    })
    .join('\n');
}
