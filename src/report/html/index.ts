/**
 * `--format html`: one self-contained page per report. Pure renderers,
 * (report model, context) -> string; the CLI imports this folder lazily because
 * Plot and linkedom cost most of a second to load and only this format needs them.
 */
export { renderSeedHtml, type SeedPageModel } from './seed.js';
export { renderFleetHtml } from './fleet.js';
export type * from './fleet-model.js';
export { shellQuote, type PageContext } from './page.js';
export { escapeHtml, neutralize } from './escape.js';
