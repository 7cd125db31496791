/** Reading GNU time's `-v` report: peak RSS, times and how the child ended. */

export interface TimeStats {
  maxRssKb?: number;
  wallSeconds?: number;
  userSeconds?: number;
  systemSeconds?: number;
  /** "Exit status: N" */
  exitStatus?: number;
  /** "Command terminated by signal N" */
  signal?: number;
}

/** Parse GNU time's `-v` report (only the fields the bench uses). */
export function parseTimeV(text: string): TimeStats {
  const out: TimeStats = {};
  for (const rawLine of text.split(/\r?\n/)) {
    const line = rawLine.trim();
    let m: RegExpExecArray | null;
    if ((m = /^Command terminated by signal (\d+)/.exec(line))) out.signal = Number(m[1]);
    else if ((m = /^Maximum resident set size \(kbytes\):\s*(\d+)/.exec(line))) out.maxRssKb = Number(m[1]);
    else if ((m = /^User time \(seconds\):\s*([\d.]+)/.exec(line))) out.userSeconds = Number(m[1]);
    else if ((m = /^System time \(seconds\):\s*([\d.]+)/.exec(line))) out.systemSeconds = Number(m[1]);
    else if ((m = /^Exit status:\s*(\d+)/.exec(line))) out.exitStatus = Number(m[1]);
    else if ((m = /^Elapsed \(wall clock\) time.*?:\s*([\d:.]+)$/.exec(line))) out.wallSeconds = parseClock(m[1] ?? '');
  }
  return out;
}

/** "1:02:03" / "2:03.45" / "0:00.13" → seconds */
function parseClock(text: string): number {
  return text.split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
}
