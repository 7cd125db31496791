/**
 * Writing a report or a state file where the user asked, the way `cp` and `>` users expect.
 *
 * - A regular file or a new path is written to a short-named temporary file in the same folder and
 *   renamed over the target, so a failed run never leaves half a report nor clobbers the previous
 *   one. The new file keeps the old one's mode (and owner, when run as root). A symbolic link is
 *   followed: its target is replaced and the link stays.
 * - A regular file with other hard links is written through, keeping its inode, as `cp` and `>`
 *   do: the content goes to a temporary file first (so a failed write leaves the target as it
 *   was), then is copied into the target, which every link sees. Only that last copy is not atomic.
 * - This process's own descriptors (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`) are written
 *   through the descriptor, as the shell does for `/dev/stdout`.
 * - Anything else (character device, FIFO, another process's `/proc/PID/fd/N`) is opened and
 *   written in place, appending as `>>` does (a device ignores the position; an fd link to a
 *   redirected file is not truncated under its owner's feet).
 * - A regular file in a folder we cannot write to, but that we can write, is written in place too.
 *
 * `checkWritable` runs the same decision before the analysis, so a target that cannot be written
 * (a folder, a read-only file, a missing or read-only folder) fails in a second with exit 4.
 *
 * Content is a string or an (async) iterable of string chunks, so a large state file can be
 * streamed out without ever being one string (V8 caps strings at 512 MB).
 */
import fs, { constants as fsc, createReadStream, createWriteStream, fstat, promises as fsp, rmSync, write, type Stats } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { getSystemErrorMap } from 'node:util';
import { AnalyzerError } from './errors.js';
import { describeFsError } from './input/sources.js';

export type OutputContent = string | Iterable<string> | AsyncIterable<string>;

type WritePlan =
  | { kind: 'own-fd'; fd: number }
  | { kind: 'replace'; file: string; existing: { mode: number; uid: number; gid: number } | undefined }
  | { kind: 'through-hard-link'; file: string }
  | { kind: 'in-place'; file: string; flags: 'a' | 'w' };

/** Symbolic links followed before giving up (Linux's own limit, MAXSYMLINKS). */
const MAX_LINK_HOPS = 40;

/** Temporary files being written now; removed on SIGINT/SIGTERM by `removeTempFilesSync`. */
const liveTemps = new Set<string>();

/**
 * Write `content` to `target` (see the module comment for how each kind of target is written).
 * False when the reader of a pipe went away before taking it all (EPIPE on a FIFO or a descriptor:
 * `--output /dev/stdout | head -1`): a quiet end, as for stdout and `cat`, but not "written".
 */
export async function writeOutput(target: string, content: OutputContent): Promise<boolean> {
  const plan = await planWrite(target);
  try {
    if (plan.kind === 'own-fd') await writeToFd(plan.fd, content);
    else if (plan.kind === 'in-place') await writeInPlace(plan.file, plan.flags, content);
    else if (plan.kind === 'replace') await writeReplacing(plan.file, plan.existing, content);
    else await writeThroughHardLink(plan.file, content);
    return true;
  } catch (err) {
    if (!isSystemError(err)) throw err; // the producer's own error (the content failed, not the write)
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return false;
    throw outputError(target, describeWriteError(err), err);
  }
}

/** Check early that the output can be written, before a long analysis; exit 4 if not. */
export async function checkWritable(target: string): Promise<void> {
  await planWrite(target);
}

/**
 * Refuse a target that is one of the inputs (the same file: same device and inode, through any
 * symbolic or hard link), before the analysis: the report would replace the archive it is made
 * from, as `cp a a` refuses to. `inputs` are the regular files read; only those of the target's
 * size are looked at (an input folder may hold thousands of files).
 */
export async function checkNotAnInput(target: string, inputs: readonly { path: string; size?: number }[]): Promise<void> {
  const st = await fsp.stat(target).catch(() => undefined);
  if (st === undefined || !st.isFile()) return; // a new file, a device, a FIFO: never an archive read here
  for (const input of inputs) {
    if (input.size !== undefined && input.size !== st.size) continue;
    const s = await fsp.stat(input.path).catch(() => undefined);
    if (s !== undefined && s.dev === st.dev && s.ino === st.ino) throw outputError(target, 'it is one of the inputs, which it would replace');
  }
}

/** Remove the temporary files of writes still under way (for a signal handler: synchronous). */
export function removeTempFilesSync(): void {
  for (const tmp of liveTemps) rmSync(tmp, { force: true });
  liveTemps.clear();
}

/**
 * Write text to a stream (stdout) and wait until it is accepted. A failed write is exit 4
 * (`> /dev/full`: "no space left on device (stdout)"); EPIPE, the reader having gone away
 * (`| head -1`), ends the write quietly as it does for `cat`.
 */
export async function writeToStream(stream: NodeJS.WritableStream, content: OutputContent, name = 'stdout'): Promise<void> {
  try {
    for await (const chunk of chunksOf(content)) {
      await new Promise<void>((resolve, reject) => {
        stream.write(chunk, (err?: Error | null) => (err ? reject(err) : resolve()));
      });
    }
  } catch (err) {
    if (!isSystemError(err)) throw err; // the producer's own error
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') return;
    throw new AnalyzerError('FP_OUTPUT', `Cannot write output: ${describeWriteError(err)} (${name})`, {}, { cause: err });
  }
}

async function planWrite(target: string): Promise<WritePlan> {
  if (target.endsWith('/')) {
    // a folder's name, as the shell reads `> out/`: path.resolve would drop the '/' and write a file
    // named like the folder the user meant (or replace the file that has that name)
    const st = await fsp.stat(target).catch((err: NodeJS.ErrnoException) => err);
    if (st instanceof fs.Stats && st.isDirectory()) throw outputError(target, 'it is a folder');
    const code = st instanceof fs.Stats ? 'ENOTDIR' : st.code;
    const what = code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'not a folder' : describeWriteError(st);
    throw outputError(target, `${what} (the path ends with "/")`);
  }
  const { file, special, ownFd } = await followLinks(target);
  if (ownFd !== undefined) {
    await mustWriteFd(target, ownFd);
    return { kind: 'own-fd', fd: ownFd };
  }
  let st;
  try {
    st = await fsp.stat(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw outputError(target, describeWriteError(err), err);
  }
  if (st?.isDirectory()) throw outputError(target, 'it is a folder');
  if (st !== undefined && (special || !st.isFile())) {
    await mustWrite(target, file, st.mode);
    return { kind: 'in-place', file, flags: 'a' };
  }
  const dir = path.dirname(file);
  const folderWritable = await isWritableFolder(dir);
  if (st === undefined) {
    if (!folderWritable) throw outputError(target, `folder ${dir} is missing or not writable`);
    return { kind: 'replace', file, existing: undefined };
  }
  await mustWrite(target, file, st.mode);
  if (!folderWritable) return { kind: 'in-place', file, flags: 'w' };
  if (st.nlink > 1) return { kind: 'through-hard-link', file };
  return { kind: 'replace', file, existing: { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid } };
}

/**
 * The file a path names after following symbolic links in its last component, and whether the way
 * there passed through the kernel's fd links (`/dev/stdout`, `/dev/fd/N`, `/proc/self/fd/N`):
 * those name an open file description (a pipe, a terminal, a redirected file) to write into,
 * never a file to replace.
 */
async function followLinks(target: string): Promise<{ file: string; special: boolean; ownFd?: number }> {
  let file = path.resolve(target);
  let special = false;
  for (let hops = 0; ; hops++) {
    special ||= isFdLink(file);
    const ownFd = ownFdOf(file);
    if (ownFd !== undefined) return { file, special: true, ownFd };
    let st;
    try {
      st = await fsp.lstat(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file, special };
      throw outputError(target, describeWriteError(err), err);
    }
    if (!st.isSymbolicLink()) return { file, special };
    if (hops === MAX_LINK_HOPS) throw outputError(target, 'too many levels of symbolic links');
    if (special) return { file, special }; // /proc/self/fd/1 -> 'pipe:[123]' is no path to follow
    file = path.resolve(path.dirname(file), await fsp.readlink(file));
  }
}

/**
 * The descriptor number when `file` names one of this process's own descriptors (`/dev/stdout`,
 * `/dev/fd/3`, `/proc/self/fd/1`). Such a target is written through the descriptor itself, as the
 * shell does for `/dev/stdout`: it keeps the shell's offset and append mode, and works for a
 * socket, which cannot be opened by path (ENXIO: Node's child_process pipes are sockets).
 */
function ownFdOf(file: string): number | undefined {
  const dev = /^\/dev\/(?:(stdin|stdout|stderr)|fd\/(\d+))$/.exec(file);
  if (dev) return dev[2] !== undefined ? Number(dev[2]) : ['stdin', 'stdout', 'stderr'].indexOf(dev[1]!);
  const proc = /^\/proc\/(self|thread-self|\d+)\/(?:task\/\d+\/)?fd\/(\d+)$/.exec(file);
  if (proc && (proc[1] === 'self' || proc[1] === 'thread-self' || Number(proc[1]) === process.pid)) return Number(proc[2]);
  return undefined;
}

function isFdLink(file: string): boolean {
  return /^\/dev\/(std(in|out|err)|fd\/\d+)$/.test(file) || /^\/proc\/(self|thread-self|\d+)\/(task\/\d+\/)?fd\/\d+$/.test(file);
}

/**
 * Refuse a file we cannot write. Root passes every `access` check, yet a file without any write
 * bit is one its owner protected: like `rm`'s "write-protected" question, we do not overwrite it.
 */
async function mustWrite(target: string, file: string, mode: number): Promise<void> {
  try {
    await fsp.access(file, fsc.W_OK);
  } catch (err) {
    throw outputError(target, describeWriteError(err), err);
  }
  if ((mode & 0o222) === 0) throw outputError(target, 'the file is read-only');
}

/** An open descriptor that is not a folder and (where Linux says so) open for writing. */
async function mustWriteFd(target: string, fd: number): Promise<void> {
  let st;
  try {
    st = await new Promise<Stats>((resolve, reject) => fstat(fd, (err, s) => (err ? reject(err) : resolve(s))));
  } catch (err) {
    throw outputError(target, describeWriteError(err), err);
  }
  if (st.isDirectory()) throw outputError(target, 'it is a folder');
  let info: string | undefined;
  try {
    info = await fsp.readFile(`/proc/self/fdinfo/${fd}`, 'utf8');
  } catch {
    return; // no /proc (not Linux): the write itself will say
  }
  const flags = /^flags:\s*([0-7]+)$/m.exec(info)?.[1];
  if (flags !== undefined && (parseInt(flags, 8) & 0o3) === fsc.O_RDONLY) throw outputError(target, 'the descriptor is open for reading only');
}

async function isWritableFolder(dir: string): Promise<boolean> {
  try {
    const st = await fsp.stat(dir);
    if (!st.isDirectory()) return false;
    await fsp.access(dir, fsc.W_OK | fsc.X_OK);
    return true;
  } catch {
    return false; // missing, not a folder, or not ours: the caller says which folder
  }
}

/**
 * Write to a descriptor we did not open. Whoever opened it may have set O_NONBLOCK (the flag belongs
 * to the open file description we inherited), so a full pipe answers EAGAIN: wait and retry.
 */
async function writeToFd(fd: number, content: OutputContent): Promise<void> {
  for await (const chunk of chunksOf(content)) {
    let buf = Buffer.from(chunk, 'utf8');
    while (buf.length > 0) {
      try {
        const n = await new Promise<number>((resolve, reject) => write(fd, buf, (err, written) => (err ? reject(err) : resolve(written))));
        buf = buf.subarray(n);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EAGAIN') throw err;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
  }
}

async function writeInPlace(file: string, flags: 'a' | 'w', content: OutputContent): Promise<void> {
  const fh = await fsp.open(file, flags);
  try {
    await writeChunks(fh, content);
  } finally {
    await fh.close();
  }
}

async function writeReplacing(file: string, existing: { mode: number; uid: number; gid: number } | undefined, content: OutputContent): Promise<void> {
  // a new file gets the mode `>` and cp give it (0666 less the umask: created so, the kernel applies
  // the umask); a replaced one starts private and gets the old mode below, before any byte is written
  await withTempFile(path.dirname(file), existing === undefined ? 0o666 : 0o600, async (tmp, fh) => {
    if (existing !== undefined) {
      // the old owner (root only may give files away), then exactly the old mode: creation applied
      // the umask, and chown clears set-id bits, so chmod comes last
      if (process.getuid?.() === 0) await fh.chown(existing.uid, existing.gid);
      await fh.chmod(existing.mode);
    }
    await writeChunks(fh, content);
    await fh.sync(); // the data is on disk before the name points to it
    await fh.close();
    await fsp.rename(tmp, file);
  });
}

async function writeThroughHardLink(file: string, content: OutputContent): Promise<void> {
  await withTempFile(path.dirname(file), 0o600, async (tmp, fh) => {
    await writeChunks(fh, content);
    await fh.close();
    // opened with O_TRUNC: same inode, mode and owner (fs.copyFile would chmod it to the temp's mode)
    await pipeline(createReadStream(tmp), createWriteStream(file));
  });
}

/**
 * Run `use` with a new temporary file in `dir`, named `.fp-<12 hex>.tmp`: short, because the
 * target's name may already be 255 bytes long (NAME_MAX) and the temp name must fit beside it.
 * The file is created with `mode` (less the umask) and removed unless `use` renamed it away, and on
 * SIGINT/SIGTERM.
 */
async function withTempFile(dir: string, mode: number, use: (tmp: string, fh: fsp.FileHandle) => Promise<void>): Promise<void> {
  const tmp = path.join(dir, `.fp-${randomBytes(6).toString('hex')}.tmp`);
  liveTemps.add(tmp);
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(tmp, 'wx', mode);
    await use(tmp, fh);
  } finally {
    await fh?.close().catch(() => undefined); // already closed on success
    await fsp.rm(tmp, { force: true });
    liveTemps.delete(tmp);
  }
}

/**
 * Every byte of every chunk. write(2) may take only part of a buffer (a disk that fills up in the
 * middle of a chunk takes what fits; the next write says ENOSPC), and FileHandle.write reports that
 * in `bytesWritten` without retrying: one call per chunk saved a 4 KB head of a 97 KB HTML report
 * on a nearly full disk, with exit 0.
 */
async function writeChunks(fh: fsp.FileHandle, content: OutputContent): Promise<void> {
  for await (const chunk of chunksOf(content)) {
    let buf = Buffer.from(chunk, 'utf8');
    while (buf.length > 0) {
      const { bytesWritten } = await fh.write(buf, 0, buf.length);
      if (bytesWritten === 0) throw Object.assign(new Error('the write made no progress'), { code: 'EIO', syscall: 'write' });
      buf = buf.subarray(bytesWritten);
    }
  }
}

async function* chunksOf(content: OutputContent): AsyncGenerator<string> {
  if (typeof content === 'string') yield content;
  else yield* content;
}

/** An error from the operating system (ENOSPC, EBADF, ...), as opposed to one thrown by the content. */
function isSystemError(err: unknown): boolean {
  return err instanceof Error && typeof (err as NodeJS.ErrnoException).syscall === 'string';
}

function outputError(target: string, what: string, cause?: unknown): AnalyzerError {
  return new AnalyzerError('FP_OUTPUT', `Cannot write output: ${what}, in ${target}`, { file: target }, { cause });
}

/** The project's wording for common errors, else the system's ("no space left on device"). */
function describeWriteError(err: unknown): string {
  const e = err as NodeJS.ErrnoException | undefined;
  if (e?.code !== undefined && ['ENOENT', 'EACCES', 'EPERM', 'EISDIR', 'ENOTDIR'].includes(e.code)) return describeFsError(err);
  const known = typeof e?.errno === 'number' ? getSystemErrorMap().get(e.errno) : undefined;
  return known?.[1] ?? (err instanceof Error ? err.message : String(err));
}
