/** Every bench script's `--help`: the script's own header comment, which says what it measures and its flags. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The header comment of the module at `metaUrl`, as plain text. */
export function headerHelp(metaUrl: string): string {
  const source = readFileSync(fileURLToPath(metaUrl), 'utf8');
  const header = source.slice(source.indexOf('/**') + 3, source.indexOf('*/'));
  return `${header.replace(/^ \* ?/gm, '').trim()}\n`;
}

/** Print that header and exit 0 when the arguments ask for help (`--help`, `-h`), before a strict `parseArgs` refuses them. */
export function exitWithHelpIfAsked(metaUrl: string, argv: readonly string[] = process.argv.slice(2)): void {
  if (!argv.includes('--help') && !argv.includes('-h')) return;
  process.stdout.write(headerHelp(metaUrl));
  process.exit(0);
}
