// Traces: with OTEL_EXPORTER_OTLP_ENDPOINT set, spans of an API request and of a call's Kamailio
// lookup, CDR write and event reach a local OTLP/HTTP receiver, the call's spans in the trace
// derived from its Call-ID, and log lines carry that trace id.
import t from 'tap'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Writable } from 'node:stream'
import { buildTestApp } from '../support/app.ts'
import { callTraceId, flushTraces, tracingEnabled } from '../../src/lib/tracing.ts'

t.test('OTLP/HTTP traces keyed to the Call-ID', async (t) => {
  const bodies: any[] = []
  const otlp = http.createServer((req, res) => {
    let b = ''
    req.on('data', (c) => (b += c))
    req.on('end', () => {
      if (req.url === '/v1/traces') bodies.push(JSON.parse(b))
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((r) => otlp.listen(0, '127.0.0.1', r))
  t.teardown(() => new Promise<void>((r) => otlp.close(() => r())))
  const lines: any[] = []
  const logDestination = new Writable({ write: (c, _e, cb) => (lines.push(...c.toString().trim().split('\n').map((l: string) => JSON.parse(l))), cb()) })
  const h = await buildTestApp({ env: { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${(otlp.address() as AddressInfo).port}`, LOG_LEVEL: 'info' }, logDestination })
  t.teardown(h.close)
  t.ok(tracingEnabled())

  const callId = 'trace-me@test'
  await h.app.lookups.event({ type: 'dialog.start', callid: callId, ts: Date.now() / 1000, from_user: '1001', to_user: '1002' })
  const r = await h.app.inject({ url: '/api/v1/cdrs', headers: { ...h.auth(), traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } })
  t.equal(r.statusCode, 200)
  await flushTraces()

  const spans = bodies.flatMap((b) => b.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans)))
  const attr = (s: any, k: string) => s.attributes.find((a: any) => a.key === k)?.value?.stringValue
  const callSpans = spans.filter((s) => attr(s, 'sip.call_id') === callId)
  t.ok(callSpans.some((s) => s.name === 'kamailio.event'), 'the lookup span')
  t.ok(callSpans.some((s) => s.name === 'db.cdr.apply'), 'the CDR write span')
  t.ok(callSpans.every((s) => s.traceId === callTraceId(callId)), 'all in the trace derived from the Call-ID')
  const api = spans.find((s) => s.name === 'GET /api/v1/cdrs')
  t.ok(api, 'the API request span')
  t.equal(api?.traceId, '0af7651916cd43dd8448eb211c80319c', 'continues the caller’s traceparent')
  const dialogLine = lines.find((l) => l.msg === 'dialog event')
  t.equal(dialogLine?.callId, callId, 'the diagnostic line carries the Call-ID')
  t.equal(dialogLine?.stream, 'diagnostic')
  t.match(dialogLine?.reqId, /^kam-\d+$/, 'and a request id')
  t.equal(dialogLine?.traceId, callTraceId(callId), 'and the trace id')
  const reqLine = lines.find((l) => l.msg === 'request completed' && l.reqId === r.headers['x-request-id'])
  t.equal(reqLine?.traceId, '0af7651916cd43dd8448eb211c80319c', 'request log lines carry the trace id')
  t.equal(reqLine?.stream, 'application')
})
