// Redis measurements and clean-up for benches that run under their own key prefix on a shared Redis.
import type { Redis } from 'ioredis';

/** `used_memory` of INFO memory: the whole server, every other user of the Redis included. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

async function scanKeys(redis: Redis, prefix: string, each: (keys: string[]) => Promise<void>): Promise<void> {
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length) await each(found);
  } while (cursor !== '0');
}

/** Keys under `<prefix>:` and the sum of their MEMORY USAGE (bytes): this run's share of the server's memory. */
export async function prefixMemory(redis: Redis, prefix: string): Promise<{ keys: number; bytes: number }> {
  let keys = 0;
  let bytes = 0;
  await scanKeys(redis, prefix, async (found) => {
    const p = redis.pipeline();
    for (const k of found) p.memory('USAGE', k, 'SAMPLES', '0');
    const res = (await p.exec()) ?? [];
    keys += found.length;
    for (const [err, v] of res) if (!err && typeof v === 'number') bytes += v;
  });
  return { keys, bytes };
}

/** Delete every key under `<prefix>:`. */
export async function deletePrefix(redis: Redis, prefix: string): Promise<number> {
  let deleted = 0;
  await scanKeys(redis, prefix, async (found) => {
    deleted += await redis.del(...found);
  });
  return deleted;
}
