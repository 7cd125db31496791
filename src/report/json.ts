/**
 * The reference's `format_proposals_json`: `json.dumps([asdict(p)...], indent=2)`,
 * byte for byte (ensure_ascii escapes everything outside ' '..'~', DEL included; Python float repr), with one documented
 * difference: a non-finite number (the reference's `Infinity` break-even) is
 * written as `null`, so the output stays valid JSON.
 */
import type { ImprovementProposal } from '../analysis/proposals.js';
import { floatRepr } from '../python/index.js';

const FIELDS = [
  'title',
  'problem',
  'proposed_solution',
  'estimated_weekly_hours_saved',
  'estimated_monthly_hours_saved',
  'implementation_hours',
  'roi_weeks',
  'priority',
  'affected_area',
  'supporting_evidence',
] as const satisfies readonly (keyof ImprovementProposal)[];

const ESCAPES: Record<string, string> = { '"': '\\"', '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** Python's json string encoder with ensure_ascii=True. */
export function pyJsonString(s: string): string {
  return (
    '"' +
    s.replace(/["\\\u0000-\u001f\u007f-\uffff]/g, (c) => {
      const e = ESCAPES[c];
      if (e !== undefined) return e;
      const code = c.charCodeAt(0);
      return '\\u' + code.toString(16).padStart(4, '0');
    }) +
    '"'
  );
}

function pyJsonNumber(x: number): string {
  return Number.isFinite(x) ? floatRepr(x) : 'null';
}

export function renderJson(proposals: readonly ImprovementProposal[]): string {
  if (proposals.length === 0) return '[]';
  const items = proposals.map((p) => {
    const fields = FIELDS.map((f) => {
      const v = p[f];
      let text: string;
      if (typeof v === 'number') text = pyJsonNumber(v);
      else if (typeof v === 'string') text = pyJsonString(v);
      else text = v.length === 0 ? '[]' : '[\n' + v.map((s) => '      ' + pyJsonString(s)).join(',\n') + '\n    ]';
      return `    ${pyJsonString(f)}: ${text}`;
    });
    return '  {\n' + fields.join(',\n') + '\n  }';
  });
  return '[\n' + items.join(',\n') + '\n]';
}
