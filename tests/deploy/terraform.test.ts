// terraform/: no terraform binary is available from our registries, so this parses every .tf with
// HashiCorp's HCL parser (@cdktf/hcl2json, wasm) and checks what `terraform validate` would catch
// across modules: module sources exist, arguments match the child's variables (unknown ones and
// missing required ones), var.X references are declared, module.X.Y outputs exist. Plus the SIP/RTP
// security-group rules and no credentials. `terraform validate` with real providers is for ops.
import t from 'tap'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'

const { parse } = createRequire(import.meta.url)('@cdktf/hcl2json') as { parse: (file: string, src: string) => Promise<any> }
const ROOT = path.resolve(import.meta.dirname, '../../terraform')
type Dir = { vars: Record<string, { required: boolean }>; outputs: Set<string>; modules: Record<string, any>; text: string; json: any[] }

async function loadDir(dir: string): Promise<Dir> {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.tf'))
  const d: Dir = { vars: {}, outputs: new Set(), modules: {}, text: '', json: [] }
  for (const f of files) {
    const src = fs.readFileSync(path.join(dir, f), 'utf8')
    const j = await parse(f, src)
    d.text += src
    d.json.push(j)
    for (const [name, [v]] of Object.entries<any>(j.variable ?? {})) d.vars[name] = { required: !('default' in v) }
    for (const name of Object.keys(j.output ?? {})) d.outputs.add(name)
    for (const [name, [m]] of Object.entries<any>(j.module ?? {})) d.modules[name] = m
  }
  return d
}

/** What `terraform validate` would say about the configuration in dir and the modules it calls. */
export async function validateTerraform(dir: string): Promise<string[]> {
  const problems: string[] = []
  let root: Dir
  try {
    root = await loadDir(dir)
  } catch (e) {
    return [`${dir}: ${(e as Error).message}`]
  }
  const checkRefs = (d: Dir, where: string) => {
    for (const [, name] of d.text.matchAll(/\bvar\.([A-Za-z0-9_]+)/g)) if (!d.vars[name]) problems.push(`${where}: var.${name} is not declared`)
  }
  checkRefs(root, dir)
  for (const [call, m] of Object.entries(root.modules)) {
    const childDir = path.resolve(dir, m.source)
    if (!fs.existsSync(childDir)) { problems.push(`module.${call}: source ${m.source} does not exist`); continue }
    let child: Dir
    try { child = await loadDir(childDir) } catch (e) { problems.push(`module.${call}: ${(e as Error).message}`); continue }
    checkRefs(child, m.source)
    const args = Object.keys(m).filter((k) => !['source', 'version', 'providers', 'depends_on', 'count', 'for_each'].includes(k))
    for (const a of args) if (!child.vars[a]) problems.push(`module.${call}: unsupported argument "${a}"`)
    for (const [v, { required }] of Object.entries(child.vars)) if (required && !args.includes(v)) problems.push(`module.${call}: missing required argument "${v}"`)
    for (const [, mod, out] of root.text.matchAll(/\bmodule\.([A-Za-z0-9_]+)\.([A-Za-z0-9_]+)/g)) {
      if (mod === call && !child.outputs.has(out)) problems.push(`module.${call}: has no output "${out}"`)
    }
  }
  return problems
}

t.test('the example environment and its modules validate', async (t) => {
  t.same(await validateTerraform(path.join(ROOT, 'environments/example')), [])
  for (const m of ['network', 'sip_edge', 'media_nodes', 'database']) t.same(await validateTerraform(path.join(ROOT, 'modules', m)), [], `module ${m}`)
})

t.test('deliberately broken copies fail', async (t) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-tf-broken-'))
  t.teardown(() => fs.rmSync(tmp, { recursive: true, force: true }))
  fs.cpSync(ROOT, tmp, { recursive: true })
  const main = path.join(tmp, 'environments/example/main.tf')
  const src = fs.readFileSync(main, 'utf8')
  fs.writeFileSync(main, src.replace('node_count                 = 3', 'node_count                 = 3\n  rtp_ports = "30000-39999"').replace('module.sip_edge.public_ips', 'module.sip_edge.public_ip'))
  const problems = (await validateTerraform(path.join(tmp, 'environments/example'))).join('\n')
  t.match(problems, /module.media_nodes: unsupported argument "rtp_ports"/)
  t.match(problems, /module.sip_edge: has no output "public_ip"/)
  fs.writeFileSync(main, `${src}\nresource "aws_eip" "x" {\n  domain = \n}\n`)
  t.match((await validateTerraform(path.join(tmp, 'environments/example'))).join(), /Missing expression|Invalid expression/, 'HCL syntax error')
})

t.test('SIP and RTP reachability in the security groups', async (t) => {
  const sip = fs.readFileSync(path.join(ROOT, 'modules/sip_edge/main.tf'), 'utf8')
  for (const [port, proto] of [[5060, 'udp'], [5060, 'tcp'], [5061, 'tcp']] as const) {
    t.match(sip, new RegExp(`from_port\\s*=\\s*${port}\\s*\\n\\s*to_port\\s*=\\s*${port}\\s*\\n\\s*protocol\\s*=\\s*"${proto}"`), `SIP ${proto} ${port}`)
  }
  const media = await loadDir(path.join(ROOT, 'modules/media_nodes'))
  const sg = media.json.find((j) => j.resource?.aws_security_group).resource.aws_security_group.media[0]
  const rtp = sg.ingress.find((r: any) => r.protocol === 'udp' && String(r.from_port).includes('rtp_port_min'))
  t.ok(rtp, 'RTP UDP range open')
  t.match(String(rtp.to_port), /rtp_port_max/)
  t.match(media.text, /resource "aws_eip" "media"/, 'media nodes get public IPs')
})

t.test('no credentials in terraform/', async (t) => {
  const all = fs.readdirSync(ROOT, { recursive: true, withFileTypes: true }).filter((e) => e.isFile())
  for (const e of all) {
    const text = fs.readFileSync(path.join(e.parentPath, e.name), 'utf8')
    t.notMatch(text, /access_key|secret_key|AKIA[0-9A-Z]{16}|password\s*=\s*"/, `${e.name}: no credentials`)
  }
})
