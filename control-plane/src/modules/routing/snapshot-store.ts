// The routing state lookups are answered from, in memory and without I/O: the compiled snapshot,
// the digest credentials by user@domain, and the ACD view (agent states mirrored from Redis, the
// round-robin cursors). It lives where the lookups run: in the lookup worker in production
// (lookup-worker.ts), in the main thread when the worker is off (SnapshotHolder).
import { compileSnapshot, type AgentState, type AgentView, type RoutingSnapshot, type SnapshotSource } from './engine/index.ts'
import type { AuthRow } from './routing.repository.ts'

/** What SnapshotHolder reads from the database, as it is handed to the store (or the worker). */
export interface SnapshotData {
  source: SnapshotSource
  auth: AuthRow[]
  version: number
}

/** queue id → user id → state; a plain structure so it crosses to the worker as is */
export type AgentStates = Map<string, Map<string, AgentState>>

/** Where SnapshotHolder puts what it loaded: a local SnapshotStore, or the lookup worker. */
export interface SnapshotTarget {
  /** compiles and serves this data from now on; the compile's warnings come back */
  install(data: SnapshotData): { warnings: string[] } | Promise<{ warnings: string[] }>
  setAgents(states: AgentStates): void
}

export class SnapshotStore implements SnapshotTarget {
  private snapshot?: RoutingSnapshot
  private authIndex = new Map<string, AuthRow>()
  private agentStates: AgentStates = new Map()
  private cursors = new Map<string, number>()

  get current(): RoutingSnapshot {
    if (!this.snapshot) throw new Error('routing snapshot not loaded yet')
    return this.snapshot
  }

  get loaded(): boolean {
    return this.snapshot !== undefined
  }

  install({ source, auth, version }: SnapshotData): { warnings: string[] } {
    const compiled = compileSnapshot(source, version)
    this.authIndex = new Map(auth.map((a) => [`${a.extension}@${a.domain}`, a]))
    this.snapshot = compiled
    return { warnings: [...compiled.warnings] }
  }

  setAgents(states: AgentStates): void {
    this.agentStates = states
  }

  /** A domain by SIP host name (case-insensitive), as SnapshotHolder.domainByName. */
  domainByName(name: string): { id: string; name: string } | undefined {
    return this.current.domainsByName.get(name.toLowerCase())
  }

  /** `user@domain` → credentials and the domain's registration window. */
  auth(user: string, domain: string): AuthRow | undefined {
    return this.authIndex.get(`${user}@${domain.toLowerCase()}`)
  }

  /** The engine's synchronous view of ACD state. */
  readonly agentView: AgentView = {
    state: (queueId, userId) => this.agentStates.get(queueId)?.get(userId),
    cursor: (queueId) => this.cursors.get(queueId) ?? -1,
  }

  setCursor(queueId: string, cursor: number): void {
    this.cursors.set(queueId, cursor)
  }
}

/** The part of the store the lookups use (lookups.ts). */
export type SnapshotView = Pick<SnapshotStore, 'current' | 'auth' | 'agentView' | 'setCursor'>
