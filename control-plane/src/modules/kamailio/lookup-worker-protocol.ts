// The messages between the main thread (lookup-worker-host.ts) and the lookup worker
// (lookup-worker.ts). Everything here is structured-clone data: no functions, no class instances.
import { RpcError } from './jsonrpc-server.ts'
import type { AgentStates, SnapshotData } from '../routing/snapshot-store.ts'
import type { CallerProfile, RouteRequest } from '../routing/engine/types.ts'

export interface WorkerData {
  jsonRpc: { enabled: boolean; host: string; port: number }
  deadlineMs: number
  notificationConcurrency: number
  logLevel: string
  /** the main thread's OTLP settings when tracing is on: the worker's lookups get their spans too */
  tracing?: { endpoint: string; serviceName: string; instanceId: string }
}

/** an error that crossed the thread boundary; rpcCode set when it was an RpcError (a SIP answer) */
export interface WireError {
  rpcCode?: number
  message: string
}

/** An error as it crosses, and back: an RpcError stays one (its code is the SIP answer). */
export const wireError = (err: unknown): WireError => (err instanceof RpcError ? { rpcCode: err.rpcCode, message: err.message } : { message: err instanceof Error ? err.message : String(err) })
const fromWire = (e: WireError): Error => (e.rpcCode !== undefined ? new RpcError(e.rpcCode, e.message) : new Error(e.message))

/** What one side asked the other and still waits for, by id; settled when the answer arrives. */
export class PendingRequests {
  private next = 0
  private readonly waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()

  ask<T>(post: (id: number) => void): Promise<T> {
    const id = ++this.next
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject })
      post(id)
    })
  }

  settle(id: number, error: WireError | undefined, result?: unknown): void {
    const w = this.waiting.get(id)
    if (!w) return
    this.waiting.delete(id)
    if (error) w.reject(fromWire(error))
    else w.resolve(result)
  }

  rejectAll(err: Error): void {
    for (const w of this.waiting.values()) w.reject(err)
    this.waiting.clear()
  }
}

/** one lookup's latency: kind, outcome, seconds (LookupMetrics.observe's arguments) */
export type Observation = [string, string, number]

export type HostMessage =
  | { t: 'install'; id: number; data: SnapshotData }
  | { t: 'agents'; states: AgentStates }
  | { t: 'crmDomains'; ids: string[] }
  | { t: 'call'; id: number; method: 'auth' | 'route'; params: unknown }
  /** answered with whether a snapshot is installed (the readiness check) */
  | { t: 'call'; id: number; method: 'ping' }
  /** sends the metrics batch now, then answers (a scrape reads up-to-date counts) */
  | { t: 'call'; id: number; method: 'flushMetrics' }
  | { t: 'call'; id: number; method: 'report'; req: RouteRequest; at?: number; profile?: CallerProfile }
  /** the main thread's answer to a worker's `event` or `crm` */
  | { t: 'answer'; id: number; result?: unknown; error?: WireError }
  | { t: 'close' }

export type WorkerMessage =
  | { t: 'installed'; id: number; warnings: string[]; listening?: string }
  | { t: 'failed'; id: number; error: WireError }
  | { t: 'reply'; id: number; result?: unknown; error?: WireError }
  | { t: 'event'; id: number; params: unknown }
  | { t: 'crm'; id: number; req: RouteRequest }
  | { t: 'metrics'; observations: Observation[]; decisions: Record<string, number> }
  | { t: 'log'; stream: 'app' | 'diagnostic'; level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'; bindings: Record<string, unknown>; obj: Record<string, unknown>; msg?: string }
