/**
 * The agent formats this build reads, in detection order: each one's name (`--from NAME`), its
 * signature in the head of a file (`_signatures.ts`) and a loader of its adapter. Sniffing an
 * input asks the signatures only; an adapter's modules are imported when a file of its format is
 * read (`loadAdapter`), so a run that reads no agent log loads none of the six (nor their helpers),
 * and `--help` lists the names without loading anything but the signatures.
 *
 * Adding a format: its signature in `_signatures.ts`, its adapter file, one line here.
 */
import type { AgentSession } from '../../agent-session.js';
import type { Session } from '../../session.js';
import type { AdapterReadOptions } from './_lines.js';
import { claudeCodeSignature, codexSignature, miniSweAgentSignature, openHandsSignature, otlpSignature, sweAgentSignature } from './_signatures.js';

/** A format's reader (each adapter file exports one). */
export interface AgentAdapter {
  /** stable id, e.g. "claude-code" */
  readonly name: string;
  /** true when `head` (the file's first ≤64 KB) is in this format */
  detect(head: Buffer, path: string): boolean;
  /** the file's sessions, in a deterministic order; throws AnalyzerError (FP_INPUT) on a broken file */
  sessions(path: string, opts?: AdapterReadOptions): AsyncIterable<AgentSession>;
  /** the seed view of `sessions` (toSeedSession) */
  read(path: string, opts?: AdapterReadOptions): AsyncIterable<Session>;
}

/** One agent format of the registry: its name, its signature, and its adapter, imported on first use. */
export interface AgentFormat {
  /** the adapter's name, `--from NAME` */
  readonly name: string;
  /** true when `head` (the file's first ≤64 KB) is in this format; imports nothing */
  detect(head: Buffer, path: string): boolean;
  /** the format's adapter (its modules imported by the first call) */
  load(): Promise<AgentAdapter>;
}

/** In detection order: the most specific signatures first. */
export const AGENT_FORMATS = [
  { name: 'otlp', detect: otlpSignature, load: async () => (await import('./otlp.js')).otlp },
  { name: 'codex', detect: codexSignature, load: async () => (await import('./codex.js')).codex },
  { name: 'claude-code', detect: claudeCodeSignature, load: async () => (await import('./claude-code.js')).claudeCode },
  { name: 'openhands', detect: openHandsSignature, load: async () => (await import('./openhands.js')).openHands },
  { name: 'swe-agent', detect: sweAgentSignature, load: async () => (await import('./swe-agent.js')).sweAgent },
  { name: 'mini-swe-agent', detect: miniSweAgentSignature, load: async () => (await import('./mini-swe-agent.js')).miniSweAgent },
] as const satisfies readonly AgentFormat[];

export type AdapterName = (typeof AGENT_FORMATS)[number]['name'];

/** The formats' names, in detection order (`--from`). */
export const AGENT_FORMAT_NAMES: readonly AdapterName[] = AGENT_FORMATS.map((f) => f.name);

export function detectFormat(head: Buffer, path: string): AgentFormat | undefined {
  return AGENT_FORMATS.find((f) => f.detect(head, path));
}

export function formatByName(name: string): AgentFormat | undefined {
  return AGENT_FORMATS.find((f) => f.name === name);
}

/** The adapter of the format named `name`, imported now; undefined for a name no format has. */
export async function loadAdapter(name: string): Promise<AgentAdapter | undefined> {
  return formatByName(name)?.load();
}
