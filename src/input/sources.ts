/**
 * Input paths -> the ordered list of classified inputs (classify.ts).
 *
 * A folder is walked recursively and read in sorted path order. Symbolic links
 * inside it are followed, to files and to folders, like `find -L`: a link to a
 * folder that is already being walked (one of the current folder's ancestors,
 * compared by device and inode) is a loop and is reported and skipped. FIFOs,
 * sockets and devices in a folder are reported and skipped (reading a FIFO nobody
 * writes would hang). A path given by the user may be any readable non-folder:
 * a regular file, `-` (stdin), or a stream such as `/dev/stdin`, a named pipe or
 * a process substitution `<(cmd)`, read once from its start (no sharding).
 */
import { createReadStream, fstatSync, promises as fsp, type Stats } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import path from 'node:path';
import { getSystemErrorMap } from 'node:util';
import pLimit from 'p-limit';
import { AnalyzerError } from '../errors.js';
import { expandGlob, isGlob } from './_glob.js';
import { classifyFile, classifyStream, STDIN_NAME, type Input } from './classify.js';

export type { Input } from './classify.js';
export { isJsonlName, STDIN_NAME } from './classify.js';

/** A path to read, before classification (tests and tools build these by hand). */
export interface InputFile {
  /** file path, or '-' for stdin */
  path: string;
  /** size in bytes on disk, when known */
  size?: number;
}

const ARCHIVE_EXTENSIONS = /\.(json|jsonl|ndjson|traj|gz)$/i;
/** Files opened at once while classifying a folder. */
const OPEN_CONCURRENCY = 16;

export interface ResolveResult {
  files: Input[];
  /** folder entries that are not read (not an archive, a FIFO, a symlink loop...), reported */
  skipped: { path: string; reason: string }[];
}

export interface ResolveOptions {
  /** the `--from` option ('auto' by default) */
  from?: string;
}

/** A path found before classification: a regular file, stdin, or another stream. */
type Found = { path: string; transport: 'file' | 'stdin' | 'stream' };

/** Expand paths (files, folders, '-', streams, glob patterns the shell left alone) into classified inputs, in order. */
export async function resolveInputs(paths: readonly string[], opts: ResolveOptions = {}): Promise<ResolveResult> {
  const found: Found[] = [];
  const skipped: ResolveResult['skipped'] = [];
  await findPaths(paths, found, skipped);
  return { files: await classifyFound(found, opts.from ?? 'auto'), skipped };
}

/** Classify paths already known to be readable regular files (or '-'), e.g. in tests. */
export function classifyInputs(files: readonly InputFile[], from = 'auto'): Promise<Input[]> {
  return classifyFound(
    files.map((f) => (f.path === '-' ? { path: STDIN_NAME, transport: 'stdin' } : { path: f.path, transport: 'file' })),
    from,
  );
}

async function classifyFound(found: readonly Found[], from: string): Promise<Input[]> {
  const limit = pLimit(OPEN_CONCURRENCY);
  // Files: 16 at a time. Streams: each sniffed as soon as resolved, all at once, so that the
  // writers of several (process substitutions) need not wait for each other. (One writer
  // filling several FIFOs one after another would block here, as it would with `paste`.)
  return Promise.all(
    found.map((f) => {
      if (f.transport === 'file') return limit(() => classifyFile(f.path, from));
      const source: AsyncIterable<Buffer> = f.transport === 'stdin' ? process.stdin : createReadStream(f.path, { highWaterMark: 64 * 1024 });
      return classifyStream(f.path, f.transport, source, from);
    }),
  );
}

async function findPaths(paths: readonly string[], out: Found[], skipped: ResolveResult['skipped']): Promise<void> {
  for (const p of paths) {
    if (p === '-') {
      pushStdin(p, out);
      continue;
    }
    let st: Stats;
    try {
      st = await fsp.stat(p);
    } catch (err) {
      if (isGlob(p) && (err as NodeJS.ErrnoException).code === 'ENOENT') {
        // a pattern the shell did not expand
        const matches = await expandGlob(p);
        if (matches.length === 0)
          throw new AnalyzerError('FP_INPUT', `Cannot read input: no file or folder matches the pattern, in ${p}`, { file: p });
        await findPaths(matches, out, skipped);
        continue;
      }
      const why =
        (err as NodeJS.ErrnoException).code === 'ENOENT' && p.includes('\uFFFD')
          ? ' (a name holding bytes that are not UTF-8 reaches Node.js with U+FFFD in their place, and cannot be opened: rename it)'
          : '';
      throw new AnalyzerError('FP_INPUT', `Cannot read input: ${describeFsError(err)}${why}, in ${p}`, { file: p }, { cause: err });
    }
    if (isOwnStdin(st)) {
      // /dev/stdin, /dev/fd/0, /proc/self/fd/0: our stdin, which may be a socket (Node's child pipes are) and cannot always be reopened
      pushStdin(p, out);
    } else if (st.isDirectory()) {
      const before = out.length;
      await walk(p, [st], out, skipped);
      if (out.length === before) {
        throw new AnalyzerError('FP_INPUT', `No archives found: the folder holds no .json, .jsonl, .ndjson, .traj or .gz files, in ${p}`, {
          file: p,
        });
      }
    } else if (st.isFile()) {
      out.push({ path: p, transport: 'file' });
    } else if (st.isSocket()) {
      throw new AnalyzerError('FP_INPUT', `Cannot read input: a socket is not a file, in ${p}`, { file: p });
    } else {
      // a FIFO, /dev/stdin, /dev/fd/N of a process substitution, a character device: read as a stream
      out.push({ path: p, transport: 'stream' });
    }
  }
}

/** Stdin once: two readers of the one stream would each get part of it (and a JSON error in the middle). */
function pushStdin(p: string, out: Found[]): void {
  if (out.some((f) => f.transport === 'stdin')) {
    throw new AnalyzerError('FP_USAGE', `argument --input: stdin can be read only once, and ${p} names it again`);
  }
  out.push({ path: p === '-' ? STDIN_NAME : p, transport: 'stdin' });
}

/** True when `st` is this process's standard input (same device and inode), unless that is a regular file or folder. */
function isOwnStdin(st: Stats): boolean {
  if (st.isFile() || st.isDirectory()) return false;
  try {
    const fd0 = fstatSync(0);
    return fd0.dev === st.dev && fd0.ino === st.ino;
  } catch {
    return false; // no stdin
  }
}

/** What a non-regular, non-folder entry is, for the skip message. */
function specialKind(st: Stats): string {
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

/** `ancestors`: the folders from the root given by the user down to `dir` (loop detection by device + inode). */
async function walk(dir: string, ancestors: readonly Stats[], out: Found[], skipped: ResolveResult['skipped']): Promise<void> {
  let entries;
  try {
    entries = await fsp.readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new AnalyzerError('FP_INPUT', `Cannot read folder: ${describeFsError(err)}, in ${dir}`, { file: dir }, { cause: err });
  }
  // sorted by name (code units), so the order never depends on the file system
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const undecodable = entries.some((e) => e.name.includes('\uFFFD')) ? await namesNotUtf8(dir) : undefined;
  for (const e of entries) {
    const full = path.join(dir, e.name);
    const raw = undecodable?.get(e.name);
    if (raw !== undefined && !e.name.startsWith('.')) {
      // Node.js decoded the name with U+FFFD in place of its bytes: that name opens nothing
      const shown = path.join(dir, escapeBytes(raw));
      if (e.isDirectory() || ARCHIVE_EXTENSIONS.test(e.name) || e.isSymbolicLink()) {
        throw new AnalyzerError(
          'FP_INPUT',
          `Cannot read input: its name is not valid UTF-8, which Node.js cannot open by name (rename it), in ${shown}`,
          {
            file: shown,
          },
        );
      }
      skipped.push({ path: shown, reason: 'not an archive, and its name is not valid UTF-8' });
      continue;
    }
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    let st: Stats | undefined;
    if (e.isSymbolicLink() || isDir) {
      try {
        st = await fsp.stat(full); // follows the link
      } catch (err) {
        skipped.push({ path: full, reason: `${e.isSymbolicLink() ? 'a broken symbolic link' : 'unreadable'} (${describeFsError(err)})` });
        continue;
      }
      isDir = st.isDirectory();
      isFile = st.isFile();
    }
    if (isDir) {
      if (ancestors.some((a) => a.dev === st!.dev && a.ino === st!.ino)) {
        skipped.push({ path: full, reason: 'a symbolic link loop (a link to a folder that contains it)' });
        continue;
      }
      await walk(full, [...ancestors, st!], out, skipped);
      continue;
    }
    if (e.name.startsWith('.')) continue;
    if (!isFile) {
      st ??= await fsp.stat(full).catch(() => undefined);
      skipped.push({ path: full, reason: st === undefined ? 'not a regular file' : specialKind(st) });
      continue;
    }
    if (!ARCHIVE_EXTENSIONS.test(e.name)) {
      skipped.push({ path: full, reason: 'not an archive (.json, .jsonl, .ndjson, .traj or .gz)' });
      continue;
    }
    out.push({ path: full, transport: 'file' });
  }
}

/** The entries of `dir` whose names are not UTF-8, by the name Node.js gives them (U+FFFD for each bad sequence). */
async function namesNotUtf8(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const raw of await fsp.readdir(dir, { encoding: 'buffer' })) if (!isUtf8(raw)) out.set(raw.toString('utf8'), raw);
  return out;
}

/** A name's bytes for a message: UTF-8 characters as they are, any other byte as \xNN. */
function escapeBytes(raw: Buffer): string {
  let out = '';
  for (let i = 0; i < raw.length; ) {
    const b = raw[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len > 0 && i + len <= raw.length && isUtf8(raw.subarray(i, i + len))) {
      out += raw.toString('utf8', i, i + len);
      i += len;
    } else {
      out += `\\x${b.toString(16).padStart(2, '0')}`;
      i++;
    }
  }
  return out;
}

export function describeFsError(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a folder';
    case 'ENOTDIR':
      return 'not a folder';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default: {
      // the system's words ("name too long", "no such device or address"), not Node's message,
      // which repeats the code, the syscall and the path: "ENAMETOOLONG: name too long, stat 'aaa...'"
      const errno = (err as NodeJS.ErrnoException | undefined)?.errno;
      const known = typeof errno === 'number' ? getSystemErrorMap().get(errno) : undefined;
      return known?.[1] ?? (err instanceof Error ? err.message : String(err));
    }
  }
}
