/**
 * The house's import rules, checked by `npm run lint` (dependency-cruiser): no import circles,
 * and data flows one way, from the floors below to the floors above. The floors are those the
 * house had when the circles were broken (2026-12-02: 0 circles, 2 imports running back up, both
 * named below). A new import from a floor to one above it fails the lint: move the name down
 * instead (a type or constant two modules share goes to the lower one), or, if the floor order
 * itself is wrong, change FLOORS here and say why in the commit.
 */

/** From the bottom up: a module may import its own floor and the floors below it. */
const FLOORS = [
  ['^src/(errors|ordinal|session|agent-session|progress|options)\\.ts$'],
  ['^src/python/'],
  ['^src/(malformed|manual-process)\\.ts$', '^src/analysis/'],
  ['^src/input/'],
  ['^src/profiles/', '^src/output\\.ts$'],
  ['^src/fleet/', '^src/accumulators/', '^src/state-file-json\\.ts$'],
  ['^src/report/', '^src/state-file\\.ts$', '^src/analyze\\.ts$'],
  ['^src/cache/', '^src/workers/'],
  ['^src/engine\\.ts$', '^src/distributed/'],
  ['^src/main\\.ts$'],
  ['^src/(cli|index|signals)\\.ts$'],
];

/** The two imports that run up the floors on purpose, each with its reason (floor: where `from` lives, from 1). */
const UPWARD_ON_PURPOSE = [
  // the profile registry names every profile and loads the fleet one lazily (a seed run never loads it)
  { name: 'profile-registry', floor: 5, from: '^src/profiles/registry\\.ts$', to: '^src/fleet/profile\\.ts$' },
  // a session's numbers are Python numbers; a type only, gone after compilation
  { name: 'session', floor: 1, from: '^src/session\\.ts$', to: '^src/python/py-num\\.ts$' },
];

const any = (paths) => `(${paths.join('|')})`;
const above = (floor) => any(FLOORS.slice(floor).flat());

const upwardRules = FLOORS.slice(0, -1).map((floor, i) => ({
  name: `no-upward-from-floor-${i + 1}`,
  comment: `floor ${i + 1} (${floor.join(', ')}) imports only its own floor and the floors below`,
  severity: 'error',
  from: { path: any(floor), pathNot: any(UPWARD_ON_PURPOSE.map((u) => u.from)) },
  to: { path: above(i + 1) },
}));

const onPurposeRules = UPWARD_ON_PURPOSE.map((u) => ({
  name: `no-upward-from-${u.name}`,
  comment: `floor ${u.floor}: only the one import up that UPWARD_ON_PURPOSE names`,
  severity: 'error',
  from: { path: u.from },
  to: { path: above(u.floor), pathNot: u.to },
}));

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'files importing each other in a loop: move the shared name to the lower module',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    ...upwardRules,
    ...onPurposeRules,
    {
      name: 'on-a-floor',
      comment: 'every module of src/ sits on one of FLOORS: add a new top-level module to its floor',
      severity: 'error',
      from: { path: '^src/', pathNot: any(FLOORS.flat()) },
      to: {},
    },
  ],
  options: {
    // type-only imports count: they tie the modules' meaning as much as value imports do
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
  },
};
