/**
 * The sequence of sessions of one archive: one seeded factory per archive, whose clock, error
 * count and draws carry from session to session; it picks the profile's session (transcript.ts,
 * dense.ts) and writes it as JSON to a PieceWriter.
 */
import type { ArchiveProfile } from './archive-kinds.js';
import { denseSessionOf } from './dense.js';
import { DURATION_JSON, MESSAGES_JSON, escapeJson, spliceRaw } from './placeholders.js';
import { type Rng, createRng } from './rng.js';
import type { PieceWriter } from './sink.js';
import { buildPool } from './text-pool.js';
import { type Message, transcriptSessionOf } from './transcript.js';
import { hex } from './vocabulary.js';

/** Sequential session factory; all state derives from the seed. */
export class SessionFactory {
  readonly rng: Rng;
  private readonly pool: string[];
  /** the pool's fragments JSON-escaped (without quotes) and UTF-8 encoded */
  private readonly poolBytes: Buffer[];
  private clock = Date.UTC(2025, 0, 1, 8, 0, 0);
  /** errors written so far (`error-keys`: each one's key is its number) */
  private errorCount = 0;
  /** tool calls written so far (for calls/s in bench/run.ts) */
  toolCalls = 0;

  constructor(
    seed: number,
    readonly profile: ArchiveProfile = 'transcript',
  ) {
    this.rng = createRng(seed);
    this.pool = buildPool(createRng((seed ^ 0x5bd1e995) >>> 0));
    this.poolBytes = this.pool.map((f) => Buffer.from(escapeJson(f), 'utf8'));
  }

  private uuid(): string {
    const h = hex(this.rng, 32);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${'89ab'.charAt(this.rng.int(0, 3))}${h.slice(17, 20)}-${h.slice(20)}`;
  }

  /**
   * Write the next session as JSON (compact, or indented by 2 at nesting depth 1
   * when `pretty`, exactly as JSON.stringify(session, null, 2) nested in an array).
   */
  emit(out: PieceWriter, pretty: boolean): void {
    if (this.profile !== 'transcript') {
      const dense = this.nextDense();
      this.toolCalls += (dense['tool_calls'] as unknown[]).length;
      out.text(spliceRaw(pretty ? JSON.stringify(dense, null, 2).replace(/\n/g, '\n  ') : JSON.stringify(dense), DURATION_JSON, null));
      return;
    }
    const { session, messages } = this.next();
    this.toolCalls += (session['tool_calls'] as unknown[]).length;
    let json = pretty ? JSON.stringify(session, null, 2).replace(/\n/g, '\n  ') : JSON.stringify(session);
    json = spliceRaw(json, DURATION_JSON, null);
    const at = json.indexOf(MESSAGES_JSON);
    if (at < 0) throw new Error('messages placeholder missing');
    out.text(json.slice(0, at));
    if (messages.length === 0) out.text('[]');
    else {
      const open = pretty ? '{\n        "role": ' : '{"role":';
      const mid = pretty ? ',\n        "content": "' : ',"content":"';
      const close = pretty ? '"\n      }' : '"}';
      const sep = pretty ? ',\n      ' : ',';
      out.text(pretty ? '[\n      ' : '[');
      messages.forEach((m, k) => {
        out.text((k > 0 ? sep : '') + open + JSON.stringify(m.role) + mid);
        for (const i of m.fragments) out.bytes(this.poolBytes[i] as Buffer);
        out.text(m.tailJson + close);
      });
      out.text(pretty ? '\n    ]' : ']');
    }
    out.text(json.slice(at + MESSAGES_JSON.length));
  }

  /** The next session as one JSON string (see emit). */
  nextJson(pretty: boolean): string {
    let json = '';
    this.emit({ text: (t) => (json += t), bytes: (b) => (json += Buffer.from(b).toString('utf8')) }, pretty);
    return json;
  }

  /** The next session of the `dense` or `error-keys` profile, with the `duration_minutes` placeholder. */
  private nextDense(): Record<string, unknown> {
    this.clock += Math.round(-Math.log(1 - this.rng.float()) * 60_000); // ~1 min between starts
    return denseSessionOf({
      rng: this.rng,
      start: this.clock,
      uuid: this.uuid(),
      nextError: () => this.errorCount++,
      distinct: this.profile === 'error-keys',
    });
  }

  /** The next transcript session, with placeholders for `messages` and `duration_minutes` (see nextJson). */
  next(): { session: Record<string, unknown>; messages: Message[] } {
    this.clock += Math.round(-Math.log(1 - this.rng.float()) * 600_000); // ~10 min between starts
    return transcriptSessionOf({ rng: this.rng, pool: this.pool, start: this.clock, uuid: () => this.uuid() });
  }
}
