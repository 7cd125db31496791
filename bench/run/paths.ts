/** Where the bench runs from: the project root (children's cwd, default paths) and GNU time. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TIME_BIN = '/usr/bin/time';
