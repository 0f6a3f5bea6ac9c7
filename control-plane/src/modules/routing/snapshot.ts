// Keeps the in-memory routing snapshot every lookup is served from up to date. Rebuilt when
// provisioning changes: a `routing.changed` message (Redis pub/sub across instances, in-process
// otherwise) triggers a coalesced rebuild, and a periodic epoch check catches a lost message. If the
// database is down, the last good snapshot keeps serving: calls do not depend on PostgreSQL being up.
// What is loaded goes to a target: a SnapshotStore in this thread, or the lookup worker, which then
// holds the only compiled copy (the main thread keeps the domains and the queue ids).
import type { PrismaClient } from '../../generated/prisma/client.ts'
import type { SharedState, Unsubscribe } from '../../shared-state/shared-state.ts'
import type { AgentView, RoutingSnapshot } from './engine/index.ts'
import { loadRoutingEpoch, loadSnapshotSource, type AuthRow } from './routing.repository.ts'
import { SnapshotStore, type AgentStates, type SnapshotTarget } from './snapshot-store.ts'
import { ROUTING_CHANNEL } from '../provisioning/change.ts'
import type { AgentStateStore } from '../acd/agent-state.ts'

export const ACD_CHANNEL = 'acd.changed'

export interface SnapshotLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface SnapshotHolderOptions {
  prisma: PrismaClient
  state: SharedState
  agents: AgentStateStore
  logger: SnapshotLogger
  /** how often the epoch is compared with the database, as a safety net for lost messages */
  epochCheckMs?: number
  onRebuilt?: (info: { version: number; ms: number; users: number; warnings: number }) => void
  /** where the loaded data goes; default: a SnapshotStore in this thread */
  target?: SnapshotTarget
}

export interface DomainRef {
  id: string
  name: string
}

export class SnapshotHolder {
  private readonly target: SnapshotTarget
  /** the target when it is a store in this thread, undefined when the snapshot lives in the worker */
  private readonly local?: SnapshotStore
  private version?: number
  private domainsById = new Map<string, DomainRef>()
  private domainsByName = new Map<string, DomainRef>()
  private queueIds: string[] = []
  private rebuilding?: Promise<void>
  private again = false
  private timer?: NodeJS.Timeout
  private unsubscribers: Unsubscribe[] = []

  constructor(private readonly opts: SnapshotHolderOptions) {
    this.target = opts.target ?? new SnapshotStore()
    if (this.target instanceof SnapshotStore) this.local = this.target
  }

  private get store(): SnapshotStore {
    if (!this.local) throw new Error('the routing snapshot lives in the lookup worker: ask the lookups, not the holder')
    return this.local
  }

  /** The compiled snapshot; only when it is held in this thread (the lookup worker off). */
  get current(): RoutingSnapshot {
    return this.store.current
  }

  get loaded(): boolean {
    return this.version !== undefined
  }

  /** the routing epoch of the snapshot being served */
  get snapshotVersion(): number {
    if (this.version === undefined) throw new Error('routing snapshot not loaded yet')
    return this.version
  }

  /** A domain of the loaded snapshot by id, or by SIP host name (case-insensitive). */
  domainById(id: string): DomainRef | undefined {
    return this.domainsById.get(id)
  }

  domainByName(name: string): DomainRef | undefined {
    return this.domainsByName.get(name.toLowerCase())
  }

  /** `user@domain` → credentials and the domain's registration window (store in this thread only). */
  auth(user: string, domain: string): AuthRow | undefined {
    return this.store.auth(user, domain)
  }

  /** The engine's synchronous view of ACD state (store in this thread only). */
  get agentView(): AgentView {
    return this.store.agentView
  }

  setCursor(queueId: string, cursor: number) {
    this.store.setCursor(queueId, cursor)
  }

  async start() {
    await this.rebuild()
    this.unsubscribers.push(await this.opts.state.subscribe(ROUTING_CHANNEL, () => void this.rebuild()))
    this.unsubscribers.push(await this.opts.state.subscribe(ACD_CHANNEL, () => void this.refreshAgents()))
    const every = this.opts.epochCheckMs ?? 5000
    this.timer = setInterval(() => void this.checkEpoch(), every)
    this.timer.unref()
  }

  async stop() {
    clearInterval(this.timer)
    for (const off of this.unsubscribers) await off()
    this.unsubscribers = []
    await this.rebuilding
  }

  /** Coalesces: a change arriving during a rebuild triggers exactly one more. */
  rebuild(): Promise<void> {
    if (this.rebuilding) {
      this.again = true
      return this.rebuilding
    }
    this.rebuilding = (async () => {
      try {
        do {
          this.again = false
          await this.load()
        } while (this.again)
      } finally {
        this.rebuilding = undefined
      }
    })()
    return this.rebuilding
  }

  private async load() {
    const t0 = performance.now()
    try {
      const data = await loadSnapshotSource(this.opts.prisma)
      const { source, version } = data
      const { warnings } = await this.target.install(data)
      this.domainsById = new Map(source.domains.map((d) => [d.id, { id: d.id, name: d.name }]))
      this.domainsByName = new Map(source.domains.map((d) => [d.name.toLowerCase(), { id: d.id, name: d.name }]))
      this.queueIds = source.queues.map((q) => q.id)
      this.version = version
      await this.refreshAgents()
      const ms = Math.round(performance.now() - t0)
      this.opts.logger.info({ version, ms, users: source.users.length, warnings: warnings.length }, 'routing snapshot rebuilt')
      for (const w of warnings) this.opts.logger.warn({ version }, `routing snapshot: ${w}`)
      this.opts.onRebuilt?.({ version, ms, users: source.users.length, warnings: warnings.length })
    } catch (err) {
      if (this.version === undefined) throw err
      this.opts.logger.warn({ err: (err as Error).message }, 'routing snapshot rebuild failed; serving the previous one')
    }
  }

  async refreshAgents() {
    if (this.version === undefined) return
    const next: AgentStates = new Map()
    try {
      for (const queueId of this.queueIds) {
        const agents = await this.opts.agents.list(queueId)
        next.set(queueId, new Map(agents.map(({ userId, ...s }) => [userId, s])))
      }
      this.target.setAgents(next)
    } catch (err) {
      this.opts.logger.warn({ err: (err as Error).message }, 'ACD state refresh failed; keeping the previous view')
    }
  }

  private async checkEpoch() {
    try {
      const version = await loadRoutingEpoch(this.opts.prisma)
      if (this.version !== undefined && version !== this.version) await this.rebuild()
      else await this.refreshAgents()
    } catch {
      // database down: keep serving the snapshot we have
    }
  }
}
