/**
 * One error class for everything the user can cause or meet. The message has the
 * shape "What: detail, where" and `exitCode` is the documented exit code.
 * Errors cross worker threads as {code, message, context} (see `toWire`/`fromWire`):
 * class identity does not survive structured clone.
 */
export type ErrorCode =
  | 'FP_USAGE' // exit 2: unknown flag, bad value
  | 'FP_INPUT' // exit 3: unreadable path, invalid/truncated JSON, not an archive
  | 'FP_MALFORMED' // exit 3 under --strict: a record that is not a session
  | 'FP_OUTPUT' // exit 4: the report could not be written
  | 'FP_INTERNAL'; // exit 70: a bug

export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  FP_USAGE: 2,
  FP_INPUT: 3,
  FP_MALFORMED: 3,
  FP_OUTPUT: 4,
  FP_INTERNAL: 70,
};

/** Where in the input something happened. Offsets are bytes of the decoded (gunzipped) stream, but of the compressed file for an error in gzip's framing (`input/_gunzip.ts`). */
export interface ErrorContext {
  file?: string;
  offset?: number;
  line?: number;
  record?: number;
}

export class AnalyzerError extends Error {
  override readonly name = 'AnalyzerError';
  readonly code: ErrorCode;
  readonly context: ErrorContext;

  constructor(code: ErrorCode, message: string, context: ErrorContext = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.context = context;
  }

  get exitCode(): number {
    return EXIT_CODES[this.code];
  }
}

/** "at byte 12 (line 3) in part-03.json" — the location part of a message. */
export function describeLocation(ctx: ErrorContext): string {
  const parts: string[] = [];
  if (ctx.record !== undefined) parts.push(`session #${ctx.record}`);
  if (ctx.offset !== undefined) parts.push(`byte ${ctx.offset}`);
  if (ctx.line !== undefined) parts.push(`line ${ctx.line}`);
  let out = parts.length > 0 ? `at ${parts.join(', ')}` : '';
  if (ctx.file !== undefined) out += `${out ? ' ' : ''}in ${ctx.file}`;
  return out;
}

/** Build an input error whose message ends with its location. */
export function inputError(what: string, ctx: ErrorContext, code: ErrorCode = 'FP_INPUT'): AnalyzerError {
  const where = describeLocation(ctx);
  return new AnalyzerError(code, where ? `${what}, ${where}` : what, ctx);
}

export interface WireError {
  code: ErrorCode;
  message: string;
  context: ErrorContext;
}

export function toWire(err: unknown): WireError {
  if (err instanceof AnalyzerError) return { code: err.code, message: err.message, context: err.context };
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return { code: 'FP_INTERNAL', message, context: {} };
}

export function fromWire(w: WireError): AnalyzerError {
  return new AnalyzerError(w.code, w.message, w.context);
}

/** Any thrown value as an AnalyzerError: itself, or a bug (FP_INTERNAL) that keeps its name and message. */
export function asAnalyzerError(err: unknown): AnalyzerError {
  if (err instanceof AnalyzerError) return err;
  const e = err as Error | undefined;
  return new AnalyzerError('FP_INTERNAL', `${e?.name ?? 'Error'}: ${e?.message ?? String(err)}`, {}, { cause: err });
}
