/**
 * Reading input files (catalogs, manifests, CRDs) with bounded work: only
 * regular files, at most {@link MAX_INPUT_BYTES} bytes each. A FIFO, socket
 * or device named like a YAML file cannot block the process or feed it
 * without end, and a directory is not read as a file.
 */
import * as fs from 'node:fs';

/**
 * The most bytes read from one input file: 8 MiB.
 *
 * Larger than anything the cluster accepts in one request (the apiserver
 * refuses request bodies over 3 MiB, `MaxRequestBodyBytes`; etcd stores at
 * most 1.5 MiB per object, `--max-request-bytes`), with room for a
 * multi-document file of several such objects.
 *
 * @see https://github.com/kubernetes/kubernetes/blob/v1.33.0/staging/src/k8s.io/apiserver/pkg/server/config.go (MaxRequestBodyBytes = 3 * 1024 * 1024)
 * @see https://etcd.io/docs/v3.5/dev-guide/limit/ (request size limit 1.5 MiB)
 */
export const MAX_INPUT_BYTES = 8 * 1024 * 1024;

/** Why a file could not be read. */
export type InputFileProblem = 'missing' | 'not-a-file' | 'too-large' | 'unreadable';

/** Thrown when an input file cannot be read: missing, not a regular file, too large, no permission. */
export class InputFileError extends Error {
  /** The file, as given. */
  public readonly file: string;
  /** Why it could not be read. */
  public readonly problem: InputFileProblem;

  public constructor(file: string, problem: InputFileProblem, detail: string) {
    super(`${file}: ${detail}`);
    this.name = 'InputFileError';
    this.file = file;
    this.problem = problem;
  }

  /** The detail without the file name, e.g. `is a FIFO, not a regular file`. */
  public get detail(): string {
    return this.message.slice(this.file.length + 2);
  }
}

/** What a non-regular file is, for an error message. */
export function fileType(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice()) return 'a character device';
  if (stat.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * The bytes of a regular file, at most `maxBytes`.
 *
 * The file is opened non-blocking and checked with `fstat` on the open
 * descriptor (no race between check and read), so a FIFO without a writer
 * cannot block; FIFOs, sockets, devices and directories are refused.
 *
 * @param file the path (symbolic links are followed)
 * @param maxBytes the most bytes accepted (default {@link MAX_INPUT_BYTES})
 * @throws InputFileError when the file is missing, not a regular file, larger than `maxBytes` or unreadable
 */
export function readInputBytes(file: string, maxBytes: number = MAX_INPUT_BYTES): Buffer {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    // Opening a socket fails with ENXIO.
    if (code === 'ENXIO') throw new InputFileError(file, 'not-a-file', 'is a socket, not a regular file');
    throw new InputFileError(file, code === 'ENOENT' || code === 'ENOTDIR' ? 'missing' : 'unreadable', `cannot be read (${code})`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) throw new InputFileError(file, 'not-a-file', `is ${fileType(stat)}, not a regular file`);
    if (stat.size > maxBytes) throw tooLarge(file, maxBytes);
    // Read in chunks until the end: the size may change while the file is read (or be 0, as in /proc).
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(64 * 1024);
      let n: number;
      try {
        n = fs.readSync(fd, chunk, 0, chunk.length, null);
      } catch (err) {
        throw new InputFileError(file, 'unreadable', `cannot be read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
      }
      if (n === 0) break;
      length += n;
      if (length > maxBytes) throw tooLarge(file, maxBytes);
      chunks.push(n === chunk.length ? chunk : chunk.subarray(0, n));
    }
    return Buffer.concat(chunks, length);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The text (UTF-8) of a regular file, at most `maxBytes` bytes.
 *
 * @throws InputFileError as {@link readInputBytes}
 */
export function readInputText(file: string, maxBytes: number = MAX_INPUT_BYTES): string {
  return readInputBytes(file, maxBytes).toString('utf8');
}

function tooLarge(file: string, maxBytes: number): InputFileError {
  return new InputFileError(file, 'too-large', `is larger than ${maxBytes} bytes (${formatBytes(maxBytes)}), the most read from one input file`);
}

function formatBytes(n: number): string {
  return n % (1024 * 1024) === 0 ? `${n / (1024 * 1024)} MiB` : n % 1024 === 0 ? `${n / 1024} KiB` : `${n} bytes`;
}
