/**
 * How each agent format is recognised in the head of a file (its first ≤64 KB,
 * `_head.ts`), apart from the format's reader: every input is sniffed, but a
 * reader is imported only when a file of its format is read (the registry,
 * index.ts). Each signature is `(head, path) => boolean`; the path only breaks
 * ties (`.traj`). The registry asks them in its order, the most specific first.
 */
import { HEAD_BYTES, headLines, scanDocument, tryParse } from './_head.js';

/** `_util.ts`'s `isObj`, not imported: `_util.ts` brings the session validator, which `--help` does not need. */
function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A JSON object (or a JSON Lines file of them) whose first key is `resourceSpans`. */
export function otlpSignature(head: Buffer, _path: string): boolean {
  const doc = scanDocument(head);
  return doc.root === 'object' && doc.keys[0] === 'resourceSpans';
}

/** The line types of a Codex rollout (its reader skips the others unread). */
export const CODEX_LINE_TYPES: ReadonlySet<string> = new Set(['session_meta', 'response_item', 'event_msg', 'turn_context', 'compacted']);

/**
 * A rollout: within the head, a line `{"timestamp":..., "type": "session_meta"|
 * "response_item"|"event_msg"|"turn_context", "payload": {...}}` (matched on its
 * beginning when the line is longer than the head, as session_meta with long
 * instructions is). Lines of other types with a payload (a newer Codex's) and
 * lines that do not parse (a cut one) are passed over; any other line is not Codex.
 */
export function codexSignature(head: Buffer, _path: string): boolean {
  for (const l of headLines(head, Infinity)) {
    const rec = tryParse(l);
    if (isObj(rec)) {
      if (typeof rec.type !== 'string' || !isObj(rec.payload)) return false;
      if (CODEX_LINE_TYPES.has(rec.type)) return true;
      continue;
    }
    if (l.complete) {
      if (rec !== undefined) return false; // JSON, but not an object
      continue;
    }
    return /^\s*\{\s*("timestamp"\s*:\s*"[^"]*"\s*,\s*)?"type"\s*:\s*"(session_meta|response_item|event_msg|turn_context)"\s*,\s*"payload"\s*:\s*\{/.test(
      l.text,
    );
  }
  return false;
}

const CLAUDE_TYPE_RE =
  /"type"\s*:\s*"(user|assistant|system|summary|progress|file-history-snapshot|queue-operation|attachment|last-prompt|permission-mode)"/;
const CLAUDE_ID_RE = /"(sessionId|parentUuid|leafUuid)"\s*:/;

/**
 * A Claude Code transcript: within the head, a JSON object line whose `type` is
 * one of the transcript's line types and that carries `sessionId` (or, for a
 * summary line, `leafUuid`; for a snapshot, `messageId`), and no Codex
 * `payload`. Any line of the head may carry the signature: Claude Code 2.1.110
 * starts files with `permission-mode` / `last-prompt` lines, and a line longer
 * than the head is matched on its beginning.
 */
export function claudeCodeSignature(head: Buffer, _path: string): boolean {
  let s = head.subarray(0, HEAD_BYTES).toString('utf8');
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  let from = 0;
  while (from < s.length) {
    const nl = s.indexOf('\n', from);
    const complete = nl >= 0 || head.length < HEAD_BYTES;
    const text = (nl >= 0 ? s.slice(from, nl) : s.slice(from)).trim();
    from = nl < 0 ? s.length : nl + 1;
    if (text === '') continue;
    if (!text.startsWith('{')) return false;
    if (complete) {
      let rec: unknown;
      try {
        rec = JSON.parse(text);
      } catch {
        // an odd line (a live session's, a malformed one): the next lines decide
        continue;
      }
      if (!isObj(rec) || typeof rec.type !== 'string' || 'payload' in rec) return false;
      if (typeof rec.sessionId === 'string' && CLAUDE_TYPE_RE.test(`"type":"${rec.type}"`)) return true;
      if (rec.type === 'summary' && typeof rec.leafUuid === 'string') return true;
      if (rec.type === 'file-history-snapshot' && typeof rec.messageId === 'string') return true;
      continue;
    }
    return (
      CLAUDE_TYPE_RE.test(text) &&
      CLAUDE_ID_RE.test(text) &&
      !/^\{\s*("timestamp"\s*:\s*"[^"]*"\s*,\s*)?"type"\s*:\s*"[^"]*"\s*,\s*"payload"/.test(text)
    );
  }
  return false;
}

/** A JSON array whose first element is an event: `source` plus a string `action` or `observation`. */
export function openHandsSignature(head: Buffer, _path: string): boolean {
  const doc = scanDocument(head);
  if (doc.root !== 'array') return false;
  const first = doc.firstElement;
  if (isObj(first)) {
    return typeof first.source === 'string' && (typeof first.action === 'string' || typeof first.observation === 'string');
  }
  const text = doc.firstElementText;
  if (text === undefined || !text.startsWith('{')) return false;
  return /"source"\s*:\s*"/.test(text) && /"(action|observation)"\s*:\s*"/.test(text);
}

/** A JSON object with a top-level `trajectory` key (or, for a `.traj` file, `history`/`info`). */
export function sweAgentSignature(head: Buffer, path: string): boolean {
  const doc = scanDocument(head);
  if (doc.root !== 'object') return false;
  if (doc.keys.includes('trajectory')) return true;
  return path.endsWith('.traj') && (doc.keys.includes('history') || doc.keys.includes('info'));
}

/**
 * A JSON object with `trajectory_format` "mini-swe-agent-…", or with `messages`
 * beside `info` and none of the session format's keys; a `.traj.json` file whose
 * head shows only `info` (a long submission) is one too.
 */
export function miniSweAgentSignature(head: Buffer, path: string): boolean {
  const doc = scanDocument(head);
  if (doc.root !== 'object') return false;
  const k = new Set(doc.keys);
  if (k.has('trajectory') || k.has('sessions') || k.has('session_id') || k.has('tool_calls')) return false;
  if (k.has('trajectory_format') && /"trajectory_format"\s*:\s*"mini-swe-agent/.test(head.toString('utf8'))) return true;
  if (k.has('messages') && k.has('info')) return true;
  return path.endsWith('.traj.json') && doc.keys[0] === 'info';
}
