// deploy/k8s: every manifest is valid for Kubernetes 1.27 (schemas + unknown fields), the
// renderer's output becomes the ConfigMaps the DaemonSets mount (and passes kamailio -c), the HPA
// scales on CPU and on the lookup rate the adapter rule serves, no secret value is committed,
// and the validator fails on a deliberately broken copy.
import t from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseAllDocuments } from 'yaml'
import { validateK8s } from './k8s-validate.ts'
import { buildRenderContext } from '../../control-plane/src/modules/config-render/build-context.ts'
import { renderKamailio, renderRtpengine } from '../../control-plane/src/modules/config-render/render.ts'
import { kamailioCheck } from '../../control-plane/src/cli/render.ts'

const DIR = path.resolve(import.meta.dirname, '../../deploy/k8s')
const kustomization = parseAllDocuments(fs.readFileSync(path.join(DIR, 'kustomization.yaml'), 'utf8'))[0].toJS()

function load(file: string): any[] {
  const docs = parseAllDocuments(fs.readFileSync(file, 'utf8'))
  for (const d of docs) if (d.errors.length) throw new Error(`${file}: ${d.errors[0].message}`)
  return docs.map((d) => d.toJS()).filter(Boolean)
}
const objects = (kustomization.resources as string[]).flatMap((f) => load(path.join(DIR, f)).map((o) => ({ file: f, o })))
const find = (kind: string, name: string) => objects.find(({ o }) => o.kind === kind && o.metadata.name === name)?.o

t.test('every manifest validates against the Kubernetes 1.27 schemas', async (t) => {
  t.ok(objects.length >= 12, `${objects.length} objects`)
  for (const { file, o } of objects) t.same(validateK8s(o), [], `${file}: ${o.kind}/${o.metadata?.name}`)
})

t.test('a deliberately broken copy fails validation', async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-k8s-broken-'))
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }))
  const src = fs.readFileSync(path.join(DIR, 'control-plane.yaml'), 'utf8')
  const broken = src.replace('replicas: 2', 'replicas: two').replace('readinessProbe:', 'readinesProbe:')
  t.not(broken, src)
  fs.writeFileSync(path.join(tmp, 'control-plane.yaml'), broken)
  const dep = load(path.join(tmp, 'control-plane.yaml')).find((o) => o.kind === 'Deployment')
  const problems = validateK8s(dep)
  t.match(problems.join('\n'), /spec\/replicas must be integer/)
  t.match(problems.join('\n'), /readinesProbe: unknown field/)
  t.match(validateK8s({ ...find('HorizontalPodAutoscaler', 'control-plane'), apiVersion: 'autoscaling/v2beta2' }).join(), /not a Kubernetes 1.27 API/)
})

t.test('control plane: probes, resources, securityContext, secrets by reference', async (t) => {
  const dep = find('Deployment', 'control-plane')
  const c = dep.spec.template.spec.containers[0]
  t.equal(c.readinessProbe.httpGet.path, '/health/ready')
  t.equal(c.livenessProbe.httpGet.path, '/health/live')
  t.ok(c.resources.requests.cpu && c.resources.limits.memory, 'requests (HPA needs cpu) and a memory limit')
  t.equal(c.securityContext.allowPrivilegeEscalation, false)
  t.equal(dep.spec.template.spec.securityContext.runAsNonRoot, true)
  t.same(c.envFrom, [{ secretRef: { name: 'switchboard-secrets' } }])
  t.notOk(objects.some(({ o }) => o.kind === 'Secret'), 'no Secret object is committed')
  for (const e of c.env) t.notMatch(e.name, /TOKEN|KEY|PASSWORD|DATABASE_URL/, `${e.name} is not a secret set in clear`)
  t.equal(find('PodDisruptionBudget', 'control-plane').spec.minAvailable, 1)
})

t.test('HPA: CPU and the lookup rate served by the Prometheus adapter', async (t) => {
  const hpa = find('HorizontalPodAutoscaler', 'control-plane')
  t.equal(hpa.apiVersion, 'autoscaling/v2')
  t.equal(hpa.spec.scaleTargetRef.name, 'control-plane')
  const cpu = hpa.spec.metrics.find((m: any) => m.type === 'Resource')
  t.equal(cpu.resource.name, 'cpu')
  const pods = hpa.spec.metrics.find((m: any) => m.type === 'Pods')
  const adapter = find('ConfigMap', 'switchboard-adapter-rules').data['config.yaml']
  t.match(adapter, `as: "${pods.pods.metric.name}"`, 'the adapter serves the metric the HPA asks for')
  t.match(adapter, /sb_lookup_duration_seconds_count/, 'from the control plane histogram (lookup-metrics.ts)')
})

t.test('Kamailio and RTPengine: hostNetwork DaemonSets mounting the rendered ConfigMaps', async (t) => {
  const env = Object.fromEntries(fs.readFileSync(path.join(DIR, 'render.env'), 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
  const ctx = buildRenderContext(env)
  const rendered: Record<string, string> = { 'kamailio.cfg': renderKamailio(ctx), 'rtpengine.conf': renderRtpengine(ctx) }
  for (const gen of kustomization.configMapGenerator) {
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: gen.name }, data: Object.fromEntries(gen.files.map((f: string) => [path.basename(f), rendered[path.basename(f)]])) }
    t.same(validateK8s(cm), [], `ConfigMap ${gen.name} from the renderer`)
    t.ok(Object.values(cm.data).every(Boolean), `${gen.name}: every file is rendered`)
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-k8s-render-'))
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }))
  fs.writeFileSync(path.join(tmp, 'kamailio.cfg'), rendered['kamailio.cfg'])
  const check = kamailioCheck(path.join(tmp, 'kamailio.cfg'))
  t.ok(check.ok, `kamailio -c accepts the Kubernetes cfg: ${check.output.split('\n').filter((l) => /ERROR|ok/.test(l)).join(' ')}`)
  for (const [name, cm] of [['kamailio', 'kamailio-config'], ['rtpengine', 'rtpengine-config']]) {
    const ds = find('DaemonSet', name)
    t.equal(ds.spec.template.spec.hostNetwork, true, `${name}: hostNetwork`)
    t.equal(ds.spec.template.spec.dnsPolicy, 'ClusterFirstWithHostNet')
    t.ok(Object.keys(ds.spec.template.spec.nodeSelector).length, `${name}: pinned to its node pool`)
    t.ok(ds.spec.template.spec.volumes.some((v: any) => v.configMap?.name === cm), `${name} mounts ${cm}`)
    t.ok(kustomization.configMapGenerator.some((g: any) => g.name === cm), `${cm} is generated by kustomize`)
  }
})

t.test('NetworkPolicies: default deny, JSON-RPC only from the SIP edge', async (t) => {
  t.same(find('NetworkPolicy', 'default-deny-ingress').spec.podSelector, {})
  const np = find('NetworkPolicy', 'control-plane-ingress')
  const rpc = np.spec.ingress.find((r: any) => r.ports.some((p: any) => p.port === 8089))
  t.ok(rpc.from.every((f: any) => f.ipBlock), 'JSON-RPC from node addresses (hostNetwork Kamailio)')
})
