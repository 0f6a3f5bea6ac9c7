// The decision as Kamailio's rtjson document (rtjson module, 5.6: version, routing, routes[] with
// uri, dst_uri, headers.extra, fr_timer, fr_inv_timer), plus our `sb` extension that the rendered
// kamailio.cfg reads (docs/kamailio-contract.md). rtjson ignores fields it does not know.
import type { CallKind, MediaPolicy, RecordingMode, RejectDecision, RouteDecision, RouteSet, RouteTarget, SipHeader } from './types.ts';
import { rtpengineFlags, type MediaFlags } from '../../media/rtpengine-flags.ts';

export interface RtjsonRoute {
  uri: string;
  dst_uri?: string;
  headers?: { extra: string };
  fr_timer?: number;
  fr_inv_timer?: number;
}

/** A route set Kamailio can hand to rtjson_init_routes() as is. */
export interface RtjsonRouteSet {
  version: '1.0';
  routing: 'serial' | 'parallel';
  routes: RtjsonRoute[];
  sb: {
    /** true when the first route is a subscriber to resolve in usrloc. */
    lookup: boolean;
    /** Per route: whether it is a subscriber to resolve in usrloc. */
    lookups: boolean[];
    /** Per route: the t_check_status regex on which to move to the next route. */
    failover: string[];
    /** Started when every route above has failed. */
    overflow?: RtjsonRouteSet;
  };
}

export interface RtjsonDocument extends RtjsonRouteSet {
  sb: RtjsonRouteSet['sb'] & {
    kind: CallKind;
    /** rtpengine flags per SDP direction (what the cfg applies) and the policy they came from */
    media: MediaFlags & { policy: MediaPolicy };
    record: RecordingMode;
    decision: string;
    domain_id: string;
    trunk_ids: string[];
    /** what Kamailio keeps in the dialog and returns with each dialog event (decisionToken) */
    cdr: string;
    rule_id?: string;
    caller_id?: string;
    acd?: { queue_id: string; next_cursor: number };
    trace?: { step: string; detail: string }[];
  };
}

export interface RtjsonOptions {
  /** Also embed the trace (debugging; the explain API returns it anyway). */
  includeTrace?: boolean;
}

/** '408', '5xx' → a t_check_status regex such as "408|5[0-9][0-9]", anchored by t_check_status. */
export function failoverRegex(codes: readonly string[]): string {
  return codes.map((c) => (/^[3-6]xx$/.test(c) ? `${c[0]}[0-9][0-9]` : c)).join('|');
}

// A CR or LF inside a header would let a value inject whole headers: drop them.
const oneLine = (s: string): string => s.replace(/[\r\n]+/g, ' ');

export function extraHeaders(headers: readonly SipHeader[]): string {
  return headers.map((h) => `${oneLine(h.name)}: ${oneLine(h.value)}\r\n`).join('');
}

function route(t: RouteTarget): RtjsonRoute {
  const r: RtjsonRoute = { uri: t.uri };
  if (t.dstUri) r.dst_uri = t.dstUri;
  if (t.headers.length > 0) r.headers = { extra: extraHeaders(t.headers) };
  if (t.frTimerMs !== undefined) r.fr_timer = t.frTimerMs;
  if (t.frInvTimerMs !== undefined) r.fr_inv_timer = t.frInvTimerMs;
  return r;
}

function routeSet(set: RouteSet): RtjsonRouteSet {
  const doc: RtjsonRouteSet = {
    version: '1.0',
    routing: set.routing,
    routes: set.targets.map(route),
    sb: {
      lookup: set.targets[0]?.lookup ?? false,
      lookups: set.targets.map((t) => t.lookup),
      failover: set.targets.map((t) => failoverRegex(t.failover)),
    },
  };
  if (set.overflow) doc.sb.overflow = routeSet(set.overflow);
  return doc;
}

export function toRtjson(decision: RouteDecision, opts: RtjsonOptions = {}): RtjsonDocument {
  const base = routeSet(decision);
  const doc: RtjsonDocument = {
    ...base,
    sb: {
      kind: decision.kind,
      ...base.sb,
      lookup: decision.lookup,
      media: { ...rtpengineFlags({ policy: decision.media, kind: decision.kind, recording: decision.recording }), policy: decision.media },
      record: decision.recording,
      decision: decision.label,
      domain_id: decision.domainId,
      trunk_ids: decision.trunkIds,
      cdr: decisionToken(decision),
    },
  };
  if (decision.ruleId) doc.sb.rule_id = decision.ruleId;
  if (decision.callerId) doc.sb.caller_id = decision.callerId;
  if (decision.acd) doc.sb.acd = { queue_id: decision.acd.queueId, next_cursor: decision.acd.nextCursor };
  if (opts.includeTrace) doc.sb.trace = decision.trace;
  return doc;
}

/**
 * The decision facts a CDR needs, as one short string Kamailio keeps in the dialog ($dlg_var) and
 * sends back with every dialog event: the control plane keeps no per-call memory, and a standby
 * that takes over mid-call still knows how the call was routed. Fields are ids, E.164 numbers and
 * fixed words, so "|" and "," cannot occur in them. Parsed by parseDecisionToken (lookup-params).
 */
export function decisionToken(d: RouteDecision): string {
  return ['1', d.kind, d.domainId, d.ruleId ?? '', d.callerId ?? '', d.recording, d.trunkIds.join(',')].join('|');
}

/** A reject as the JSON-RPC error of the contract: Kamailio answers `code` with `message`. */
export function rejectToRpcError(decision: RejectDecision): { code: number; message: string } {
  return { code: decision.sipCode, message: decision.reason };
}
