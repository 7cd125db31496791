import { describe, expect, it } from 'vitest';
import { analyzeSessions, renderReport } from '../../src/index.js';

describe(renderReport.name, () => {
  const sessions = [{ session_id: 'a', errors: [], tool_calls: [], duration_minutes: 1 }];

  it('stamps a Markdown report with the current time when no date is given', async () => {
    const report = await analyzeSessions(sessions);
    const before = Date.now();
    const md = renderReport(report, 'markdown');
    const after = Date.now();
    const stamp = /^Generated: (\S+)$/m.exec(md)?.[1];
    expect(stamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    const t = Date.parse(stamp!.replace(/(\.\d{3})\d{3}\+00:00$/, '$1Z'));
    expect(t).toBeGreaterThanOrEqual(before);
    expect(t).toBeLessThanOrEqual(after);
  });

  it('uses the given date when there is one', async () => {
    const report = await analyzeSessions(sessions);
    expect(renderReport(report, 'markdown', new Date('2026-01-02T03:04:05.678Z'))).toContain('Generated: 2026-01-02T03:04:05.678000+00:00\n');
  });
});
