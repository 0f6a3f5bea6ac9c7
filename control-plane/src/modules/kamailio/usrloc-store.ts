// Kamailio's registrations in Redis (db_redis, usrloc db_mode 1, KAMAILIO_USRLOC_DB_URL): usrloc
// refuses to start unless the `version` table says location is at version 9 (Kamailio 5.6's
// schema), and Redis has no schema of its own, so whoever starts Kamailio writes that row first.
// Idempotent; the contacts themselves (location:entry::<ruid>, location:usrdom::<user>:<domain>)
// are Kamailio's.
import { Redis } from 'ioredis'

export const USRLOC_LOCATION_VERSION = 9

export async function prepareUsrlocRedis(url: string): Promise<void> {
  const r = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000 })
  try {
    await r.connect()
    await r.hset('version:entry::location', { table_name: 'location', table_version: String(USRLOC_LOCATION_VERSION) })
  } finally {
    r.disconnect()
  }
}
