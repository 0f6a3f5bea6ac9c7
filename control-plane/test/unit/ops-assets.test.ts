// The Grafana dashboard and the Prometheus rules are code: the dashboard parses and has the panels
// ops need, every switchboard metric they use is one the control plane really exports, and the
// rules pass `promtool check rules` (when promtool is installed: Debian's prometheus package).
import t from 'tap'
import fs from 'node:fs'
import path from 'node:path'
import { spawnSync } from 'node:child_process'
import { Registry } from 'prom-client'
import { lookupMetrics } from '../../src/modules/kamailio/lookup-metrics.ts'
import { liveState } from '../../src/modules/events/live-state.ts'
import { outboxMetrics } from '../../src/modules/outbox/outbox-metrics.ts'

const DIR = path.resolve(import.meta.dirname, '../../../deploy/observability')
const dashboard = JSON.parse(fs.readFileSync(path.join(DIR, 'grafana/switchboard-overview.json'), 'utf8'))
const rulesFile = path.join(DIR, 'prometheus/alerts.yml')
const rules = fs.readFileSync(rulesFile, 'utf8')

const registry = new Registry()
lookupMetrics(registry)
liveState(registry)
outboxMetrics(registry)
const exported = new Set(registry.getMetricsAsArray().map((m) => m.name))
exported.add('sb_http_request_duration_seconds') // plugins/external/metrics.ts

/** sb_* names used in PromQL, without histogram suffixes */
const sbMetrics = (text: string) => new Set([...text.matchAll(/\b(sb_[a-z0-9_]+)/g)].map((m) => m[1].replace(/_(bucket|sum|count)$/, '')))

t.test('Grafana dashboard', async (t) => {
  t.equal(typeof dashboard.uid, 'string')
  t.ok(Array.isArray(dashboard.panels) && dashboard.panels.length >= 10)
  const titles = dashboard.panels.map((p: any) => p.title.toLowerCase()).join('|')
  for (const want of ['active calls', 'registered', 'lookup latency', 'trunk answer rate', 'media', 'memory']) t.match(titles, want, `a "${want}" panel`)
  for (const p of dashboard.panels) {
    t.ok(p.gridPos && p.targets?.length, `${p.title}: placed, with queries`)
    for (const q of p.targets) t.ok(q.expr && q.refId, `${p.title}: ${q.refId} has an expression`)
  }
  t.same(new Set(dashboard.panels.map((p: any) => p.id)).size, dashboard.panels.length, 'unique panel ids')
  const used = sbMetrics(JSON.stringify(dashboard))
  for (const m of used) t.ok(exported.has(m), `${m} is exported by the control plane`)
})

t.test('Prometheus alert rules', async (t) => {
  for (const alert of ['ControlPlaneMemoryHigh', 'LookupLatencyP99High', 'OutboxLagHigh', 'TrunkDown']) t.match(rules, `alert: ${alert}`)
  t.match(rules, /0\.8 \* 250 \* 1024 \* 1024/, 'RSS above 80 % of 250 MB')
  for (const m of sbMetrics(rules)) t.ok(exported.has(m), `${m} is exported by the control plane`)
  const promtool = spawnSync('promtool', ['check', 'rules', rulesFile], { encoding: 'utf8' })
  if (promtool.error) {
    t.comment('promtool not installed: syntax check skipped (apt-get install prometheus)')
    return
  }
  t.equal(promtool.status, 0, `promtool check rules: ${promtool.stdout}${promtool.stderr}`)
})
