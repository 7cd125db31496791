/**
 * Words both session profiles draw from: repos (Zipf-weighted), the bits of error messages
 * (modules, paths, hosts, hex hashes, ISO times) and the error types.
 */
import { type Rng, Weighted, zipf } from './rng.js';

export const REPOS = [
  'acme/web-frontend',
  'acme/api-gateway',
  'acme/payments-service',
  'acme/infra-terraform',
  'acme/mobile-app',
  'acme/data-pipeline',
  'acme/design-system',
  'acme/auth-service',
  'acme/ml-models',
  'acme/docs',
  'acme/cli-tools',
  'acme/légacy-monolith',
];
export const REPO_PICK = new Weighted(REPOS, zipf(REPOS.length, 1.1));

export const MODULES = ['numpy', 'pandas', 'requests', 'yaml', 'torch', 'boto3', 'pydantic', 'fastapi', 'sqlalchemy'];
export const PACKAGES = ['react', 'lodash', '@acme/ui', 'zod', 'express', 'left-pad', '@types/node', 'vite'];
export const DIRS = ['src', 'lib', 'app', 'pkg', 'core', 'utils', 'api', 'tests', 'components', 'services', 'handlers', 'models', 'données'];
export const FILES = ['index', 'main', 'server', 'client', 'config', 'db', 'auth', 'router', 'schema', 'worker', 'helpers', 'types'];
export const EXTS = ['py', 'ts', 'tsx', 'js', 'go', 'rs', 'json', 'yaml'];
export const HOSTS = ['registry.npmjs.org', 'pypi.org', 'api.github.com', 'internal.acme.dev', 'localhost'];
export const BRANCH_PREFIX = ['feat', 'fix', 'chore', 'refactor', 'hotfix'];
export const TIMEOUTS = ['30000', '60000', '120000', '5000'];
export const PORTS = ['3000', '5432', '6379', '8080', '9229'];
export const ERRNOS = ['ENOENT', 'EACCES', 'EADDRINUSE', 'ECONNREFUSED', 'ETIMEDOUT'];

export type Gen = (rng: Rng, when: number) => string;
export const hex = (rng: Rng, n: number): string => {
  let out = '';
  while (out.length < n) out += rng.u32().toString(16).padStart(8, '0');
  return out.slice(0, n);
};
export const path: Gen = (rng) => {
  const depth = rng.int(1, 4);
  let p = rng.chance(0.2) ? '/home/dev/work' : '';
  for (let i = 0; i < depth; i++) p += '/' + rng.pick(DIRS);
  return `${p}/${rng.pick(FILES)}.${rng.pick(EXTS)}`;
};
export const isoTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export const ERROR_TYPES = ['runtime', 'tool', 'build', 'test', 'network', 'git'];

export interface ErrorOut {
  message: string;
  type: string;
  timestamp: string;
}
