/** Redis connection options for BullMQ, and a clear error when Redis cannot be reached. */
import { Redis } from 'ioredis';
import { AnalyzerError } from '../errors.js';

export interface Connection {
  url: string;
  /** BullMQ needs blocking commands to wait forever: they do, and reconnect after a Redis restart */
  maxRetriesPerRequest: null;
  /** reconnect every 0.5-2 s while Redis is down */
  retryStrategy: (times: number) => number;
}

export function connectionFor(url: string): Connection {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AnalyzerError('FP_USAGE', `argument --redis: not a URL: '${url}' (expected redis://HOST:PORT)`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new AnalyzerError('FP_USAGE', `argument --redis: expected a redis:// or rediss:// URL, got '${url}'`);
  }
  return { url, maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(2000, 500 * times) };
}

/** Where the URL points, without the password (messages). */
export function describeRedis(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.username = '';
    return u.toString();
  } catch {
    return url;
  }
}

/** PING within `ms`, or an FP_INPUT error that names the server. */
export async function checkReachable(url: string, ms = 5000): Promise<void> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: ms });
  // the socket's own error (ECONNREFUSED...) says more than ioredis' "Connection is closed."
  let socketError: Error | undefined;
  client.on('error', (err: Error) => (socketError ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const why = (socketError ?? (err as Error)).message;
    throw new AnalyzerError('FP_INPUT', `Cannot reach Redis: ${why}, at ${describeRedis(url)}`, {}, { cause: err });
  } finally {
    client.disconnect();
  }
}
