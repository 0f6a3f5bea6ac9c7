// Public surface of the pure routing engine.
export { compileSnapshot, entityKey } from './compile.ts';
export type * from './source.ts';
export { decide } from './decide.ts';
export { toRtjson, rejectToRpcError, failoverRegex, extraHeaders } from './rtjson.ts';
export type { RtjsonDocument, RtjsonRoute, RtjsonRouteSet, RtjsonOptions } from './rtjson.ts';
export { isE164, isExtension, toE164, rewriteDigits, didCandidates, cleanDialled } from './numbers.ts';
export { isOpen, localTime, isValidTimeZone, parseClock } from './schedule.ts';
export type { OpenState, LocalTime } from './schedule.ts';
export { orderTrunks } from './trunks.ts';
export { selectAgents } from './acd.ts';
export type { QueueSpec, AgentPick, AgentSelection } from './acd.ts';
export { classOfServiceAllows } from './policy.ts';
export type * from './types.ts';
