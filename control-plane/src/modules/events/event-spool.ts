// A local spool for what Kamailio tells us while PostgreSQL is unreachable: CDR updates (with their
// call.* outbox events) and registration.changed events are appended, one JSON object per line, to
// DATA_DIR/spool/events.ndjson, and replayed in order once the database answers again. While the
// spool holds anything, new entries go behind it (a call's end never overtakes its start). The file
// survives a restart of the control plane; each line is applied once (the file is rewritten
// without the applied lines before the next attempt).
import fs from 'node:fs'
import path from 'node:path'

export interface EventSpool<E> {
  /** entries waiting for the database */
  readonly pending: number
  append(entry: E): void
  /** apply the entries in order; stops at the first failure (kept for the next attempt). Returns the number applied. */
  replay(apply: (entry: E) => Promise<void>): Promise<number>
}

export function eventSpool<E>(dir: string): EventSpool<E> {
  const file = path.join(dir, 'events.ndjson')
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
  const read = (): E[] => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as E) : [])
  let pending = read().length
  let replaying: Promise<number> | undefined

  return {
    get pending() {
      return pending
    },
    append(entry) {
      fs.appendFileSync(file, `${JSON.stringify(entry)}\n`, { mode: 0o600 })
      pending++
    },
    replay(apply) {
      replaying ??= (async () => {
        let done = 0
        try {
          for (;;) {
            const entries = read()
            if (entries.length === 0) break
            await apply(entries[0])
            done++
            // drop the applied line (appends made meanwhile stay behind it), synchronously
            const rest = read().slice(1)
            const tmp = `${file}.tmp`
            fs.writeFileSync(tmp, rest.map((e) => `${JSON.stringify(e)}\n`).join(''), { mode: 0o600 })
            fs.renameSync(tmp, file)
            pending = rest.length
          }
        } catch {
          // the database is still away: keep the rest for the next attempt
        }
        return done
      })().finally(() => { replaying = undefined })
      return replaying
    },
  }
}
