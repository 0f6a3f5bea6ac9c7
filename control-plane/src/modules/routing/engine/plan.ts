// Intermediate results shared by the resolvers: a RoutePlan (routes plus what decide() needs to
// finish the decision) or a Rejection, and the trace they append to as they go.
import type {
  CallerProfile,
  CompiledDomain,
  CompiledTrunk,
  CompiledUser,
  RejectCode,
  RouteSet,
  RoutingSnapshot,
  SipHeader,
  TraceStep,
} from './types.ts';
import type { AgentView } from './types.ts';

/**
 * The steps of a decision, for explain and the logs. Kamailio's lookups do not read them, so a
 * trace can be off: then `add` is undefined and every call site is written `trace.add?.(…)`, which
 * skips building the detail string too (an optional call evaluates no argument). That is most of
 * what a decision allocates.
 */
export class Trace {
  readonly steps: TraceStep[] = [];
  readonly add: ((step: string, detail: string) => void) | undefined;

  constructor(on = true) {
    this.add = on ? (step, detail) => { this.steps.push({ step, detail }); } : undefined;
  }
}

export interface Rejection {
  sipCode: number;
  reason: string;
  code: RejectCode;
}

export interface RoutePlan extends RouteSet {
  label: string;
  /** Set when the plan ends at exactly one user: the callee whose policies apply. */
  calleeUser?: CompiledUser;
  /** Every user the plan may ring (media needs to know whether any is TLS-only). */
  calleeUsers: CompiledUser[];
  /** Trunks the plan sends to, in order. */
  trunks: CompiledTrunk[];
  ruleId?: string;
  acd?: { queueId: string; nextCursor: number };
}

export type Resolution = { plan: RoutePlan } | { reject: Rejection };

export const reject = (sipCode: number, reason: string, code: RejectCode): { reject: Rejection } => ({
  reject: { sipCode, reason, code },
});

export interface ResolveContext {
  snapshot: RoutingSnapshot;
  now: Date;
  agents: AgentView;
  rng: () => number;
  trace: Trace;
  /** The domain whose entities and dial plan targets resolve in. */
  domain: CompiledDomain;
  /** Entities resolved on the way here, as "TYPE:id", to detect loops. */
  path: string[];
  /** Headers to add on legs sent to trunks (P-Asserted-Identity, Diversion). */
  trunkHeaders: SipHeader[];
  /** The calling subscriber: a group or queue does not ring the member who calls it. */
  callerUserId?: string;
  /** The CRM's answer about the caller, when the domain has a connector and it answered in time. */
  callerProfile?: CallerProfile;
}

/** A reference chain deeper than this is treated as a loop (DID → schedule → queue → …). */
export const MAX_DEPTH = 5;
