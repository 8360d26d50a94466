// Redis connections for BullMQ: workers need maxRetriesPerRequest null, or blocking calls throw on reconnects.
import { Redis } from 'ioredis';

export function createRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, lazyConnect: false });
}
