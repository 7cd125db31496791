/**
 * bench/generate.ts — seeded, streaming generator of realistic session archives.
 *
 *   npx tsx bench/generate.ts --size 1GB --shape array --seed 1 --out /tmp/x.json
 *   npm run bench:generate -- --sessions 5000 --shape folder --files 8 --gzip --out /tmp/dir
 *
 * Flags
 *   --out PATH         output file (a directory for --shape folder). Required.
 *   --size SIZE        target size of the UNCOMPRESSED archive (folder: all files together):
 *                      10MB, 1GB, 20GB, 200KB, 1.5GB, 512MiB or plain bytes. Decimal units
 *                      (1 MB = 1e6 B); KiB/MiB/GiB are binary. The last session crosses the
 *                      target, so the file is at most one session (≈ 0.5 MB) larger. Default 10MB.
 *   --sessions N       exact number of sessions instead of --size (folder: spread over the files).
 *   --shape S          array   — one JSON array of sessions
 *                      wrapper — {"meta": {...}, "sessions": [...], "exported_at": "..."}
 *                      jsonl   — one session per line
 *                      folder  — a directory of --files files, alternately part-NNNN.jsonl and part-NNNN.json (array)
 *                      Default array.
 *   --profile P        transcript — the sessions described under "Content" below (default)
 *                      dense      — 5–60 tool calls over 10 tools (latency 10–12,000 ms), 0–3 errors
 *                                   from 4 templates, two short messages, a duration; ~1.5 KB a session:
 *                                   issue 13's dense archive is `--profile dense --sessions 200000`
 *                      error-keys — 3 errors a session, each a distinct key, 5–10 calls, ~0.7 KB:
 *                                   `--sessions 333334` gives 1M distinct error keys
 *   --gzip             gzip the output (every file of a folder); adds .gz to file names in a folder.
 *   --gzip-level L     zlib level 1..9, default 1 (fast: ~5 s CPU per GB; level 6, gzip's own default,
 *                      is ~35 s CPU per GB and ~15% smaller).
 *   --files N          number of files for --shape folder, default 8.
 *   --seed N           PRNG seed (uint32), default 1. Same flags + seed ⇒ byte-identical output.
 *   --pretty           indent array/wrapper output with 2 spaces (JSONL stays one line per session).
 *   --quiet            no summary line (it gives bytes, sessions and tool calls).
 *   --help, -h         this text.
 *
 * Content. Sessions look like exported coding-agent transcripts: session_id (uuid-like),
 * repo (12 repos, Zipf-weighted), started_at (ISO, increasing), model, 5–60 messages of
 * 200–4000 UTF-16 units (quotes, backslashes, \n, \t, é/ü/中文, emoji, code fences),
 * 0–8 errors from 26 templates whose paths, hex hashes and ISO timestamps vary so that
 * the reference's _normalize_error folds them into shared keys (beware: it only folds
 * "YYYY-MM-DDTHH:MM", so the seconds of a timestamp stay in the key — by design here),
 * 0–80 tool calls over 16 tools with lognormal latencies (WebFetch, WebSearch, Task
 * average > 5000 ms), retry streaks (same tool 3–6 times), ~4% "manual process" sessions
 * (11–80 calls with ≤ 3 distinct tools) and duration_minutes written mostly as
 * one-decimal floats ("37.0" included) and sometimes as ints. A small share of records
 * carry edge cases the reference tolerates: tool calls without latency_ms or with
 * latency 0 or a fractional latency, errors with an empty message, astral characters
 * before the 150th code point of an error message.
 *
 * Speed: message text is a seeded pool of fragments, pre-escaped and UTF-8 encoded
 * once and copied into 8 MB output buffers; only the small rest of a session goes
 * through JSON.stringify. Buffers go to fs.createWriteStream (through zlib with
 * --gzip) honouring backpressure; nothing but the current buffer is held in memory.
 * 1 GB array: 5.5 s on a quiet 2-vCPU AMD EPYC VM (8–12 s with load 5), ~200 MB RSS.
 */
// The generator's modules, one job each, in bench/generate/: archive-kinds.ts (profiles, shapes,
// version), rng.ts, sizes.ts, vocabulary.ts, text-pool.ts, one module per profile (transcript.ts,
// dense.ts for dense and error-keys), placeholders.ts, session-factory.ts (the session sequence),
// sink.ts (buffered, gzip, backpressure), write-archive.ts (shapes and generateArchive), args.ts.
import { headerHelp } from './_help.js';
import { isMain } from './_is-main.js';
import { HelpRequested, parseGenerateArgs, summaryLine } from './generate/args.js';
import { generateArchive } from './generate/write-archive.js';

async function main(): Promise<void> {
  let opts: ReturnType<typeof parseGenerateArgs>;
  try {
    opts = parseGenerateArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof HelpRequested) {
      process.stdout.write(headerHelp(import.meta.url));
      return;
    }
    process.stderr.write(`generate: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(2);
  }
  const r = await generateArchive(opts);
  if (!opts.quiet) process.stderr.write(summaryLine(opts, r) + '\n');
}

if (isMain(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`generate: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  });
}
