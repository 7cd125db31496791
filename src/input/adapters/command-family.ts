/**
 * Shell tools' command lines as the adapters log them. The family of a command
 * line is input/command-family.ts, the one rule every adapter and the session
 * format share, so the same command gets the same family whatever logged it.
 */
import { commandFamily as familyOfLine } from '../command-family.js';

/** The family of a shell command line; `undefined` when it holds no command. */
export function commandFamily(commandLine: string): string | undefined {
  const family = familyOfLine(commandLine);
  return family === '' ? undefined : family;
}

function programName(word: string): string {
  const base = word.slice(word.lastIndexOf('/') + 1);
  return base === '' ? word : base;
}

/** Longest command kept for display. */
export const MAX_COMMAND_CHARS = 300;

/**
 * The command line of a shell tool's input as logged: a string, or an argv
 * list (`["bash", "-lc", "git status"]` -> "git status"; other lists joined by spaces).
 */
export function commandLineOf(command: unknown): string | undefined {
  if (typeof command === 'string') return command.trim() === '' ? undefined : command;
  if (!Array.isArray(command) || !command.every((w): w is string => typeof w === 'string') || command.length === 0) return undefined;
  const shell = programName(command[0]!);
  if (command.length >= 3 && /^(ba|z|da|k|fi)?sh$/.test(shell) && /^-\w*c\w*$/.test(command[command.length - 2]!)) return command[command.length - 1];
  return command.join(' ');
}
