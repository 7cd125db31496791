/** Whether a bench module is the script node was started with (so that importing it runs nothing). */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

export function isMain(metaUrl: string): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return metaUrl === pathToFileURL(realpathSync(script)).href;
  } catch {
    return false;
  }
}
