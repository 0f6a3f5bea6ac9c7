// The in-memory routing snapshot every lookup is served from. Rebuilt when provisioning changes:
// a `routing.changed` message (Redis pub/sub across instances, in-process otherwise) triggers a
// coalesced rebuild, and a periodic epoch check catches a lost message. If the database is down,
// the last good snapshot keeps serving: calls do not depend on PostgreSQL being up.
import type { PrismaClient } from '../../generated/prisma/client.ts'
import type { SharedState, Unsubscribe } from '../../shared-state/shared-state.ts'
import { compileSnapshot, type AgentState, type AgentView, type RoutingSnapshot } from './engine/index.ts'
import { loadRoutingEpoch, loadSnapshotSource, type AuthRow } from './routing.repository.ts'
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
}

export class SnapshotHolder {
  private snapshot?: RoutingSnapshot
  private authIndex = new Map<string, AuthRow>()
  private agentStates = new Map<string, Map<string, AgentState>>()
  private cursors = new Map<string, number>()
  private rebuilding?: Promise<void>
  private again = false
  private timer?: NodeJS.Timeout
  private unsubscribers: Unsubscribe[] = []

  constructor(private readonly opts: SnapshotHolderOptions) {}

  get current(): RoutingSnapshot {
    if (!this.snapshot) throw new Error('routing snapshot not loaded yet')
    return this.snapshot
  }

  get loaded(): boolean {
    return this.snapshot !== undefined
  }

  /** `user@domain` → credentials and the domain's registration window. */
  auth(user: string, domain: string): AuthRow | undefined {
    return this.authIndex.get(`${user}@${domain.toLowerCase()}`)
  }

  /** The engine's synchronous view of ACD state, mirrored from the shared store. */
  readonly agentView: AgentView = {
    state: (queueId, userId) => this.agentStates.get(queueId)?.get(userId),
    cursor: (queueId) => this.cursors.get(queueId) ?? -1,
  }

  setCursor(queueId: string, cursor: number) {
    this.cursors.set(queueId, cursor)
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
      const { source, auth, version } = await loadSnapshotSource(this.opts.prisma)
      const compiled = compileSnapshot(source, version)
      this.authIndex = new Map(auth.map((a) => [`${a.extension}@${a.domain}`, a]))
      this.snapshot = compiled
      await this.refreshAgents()
      const ms = Math.round(performance.now() - t0)
      this.opts.logger.info({ version, ms, users: source.users.length, warnings: compiled.warnings.length }, 'routing snapshot rebuilt')
      for (const w of compiled.warnings) this.opts.logger.warn({ version }, `routing snapshot: ${w}`)
      this.opts.onRebuilt?.({ version, ms, users: source.users.length, warnings: compiled.warnings.length })
    } catch (err) {
      if (!this.snapshot) throw err
      this.opts.logger.warn({ err: (err as Error).message }, 'routing snapshot rebuild failed; serving the previous one')
    }
  }

  async refreshAgents() {
    if (!this.snapshot) return
    const next = new Map<string, Map<string, AgentState>>()
    try {
      for (const queueId of this.snapshot.queuesById.keys()) {
        const agents = await this.opts.agents.list(queueId)
        next.set(queueId, new Map(agents.map(({ userId, ...s }) => [userId, s])))
      }
      this.agentStates = next
    } catch (err) {
      this.opts.logger.warn({ err: (err as Error).message }, 'ACD state refresh failed; keeping the previous view')
    }
  }

  private async checkEpoch() {
    try {
      const version = await loadRoutingEpoch(this.opts.prisma)
      if (this.snapshot && version !== this.snapshot.version) await this.rebuild()
      else await this.refreshAgents()
    } catch {
      // database down: keep serving the snapshot we have
    }
  }
}
