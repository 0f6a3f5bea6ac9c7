// Renders kamailio.cfg and rtpengine.conf from the templates and a validated context. Templates
// are compiled strict (a missing field throws instead of rendering empty) and without HTML
// escaping (a cfg needs its quotes). The stamp carries a hash of every template file, so a
// deployed cfg tells which template version produced it.
import { createHash } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Handlebars from 'handlebars'
import { type RenderContext, validateRenderContext } from './context.ts'
import { helpers } from './helpers.ts'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..')
export const KAMAILIO_TEMPLATE_DIR = path.join(repoRoot, 'kamailio/templates')
export const RTPENGINE_TEMPLATE = path.join(repoRoot, 'rtpengine/rtpengine.conf.hbs')

interface TemplateSet {
  main: string
  partials: Record<string, string>
  hash: string
}

function hashOf(files: Array<[string, string]>): string {
  const h = createHash('sha256')
  for (const [name, src] of files.sort(([a], [b]) => a.localeCompare(b))) h.update(`${name}\0${src}\0`)
  return h.digest('hex').slice(0, 16)
}

function loadKamailioTemplates(dir: string): TemplateSet {
  const main = fs.readFileSync(path.join(dir, 'kamailio.cfg.hbs'), 'utf8')
  const partialDir = path.join(dir, 'partials')
  const partials: Record<string, string> = {}
  for (const f of fs.readdirSync(partialDir).filter((f) => f.endsWith('.hbs'))) {
    partials[f.slice(0, -4)] = fs.readFileSync(path.join(partialDir, f), 'utf8')
  }
  const files: Array<[string, string]> = [['kamailio.cfg.hbs', main], ...Object.entries(partials).map(([n, s]): [string, string] => [`partials/${n}.hbs`, s])]
  return { main, partials, hash: hashOf(files) }
}

function compile(src: string, partials: Record<string, string>): Handlebars.TemplateDelegate {
  const hb = Handlebars.create()
  for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, fn as Handlebars.HelperDelegate)
  for (const [name, p] of Object.entries(partials)) hb.registerPartial(name, p)
  return hb.compile(src, { strict: true, noEscape: true })
}

export interface RenderOptions {
  /** override the template location (tests) */
  templateDir?: string
}

export function renderKamailio(ctx: RenderContext, opts: RenderOptions = {}): string {
  validateRenderContext(ctx)
  const t = loadKamailioTemplates(opts.templateDir ?? KAMAILIO_TEMPLATE_DIR)
  return compile(t.main, t.partials)({ ...ctx, meta: { templateHash: t.hash } })
}

export function renderRtpengine(ctx: RenderContext, opts: { template?: string } = {}): string {
  validateRenderContext(ctx)
  const file = opts.template ?? RTPENGINE_TEMPLATE
  const src = fs.readFileSync(file, 'utf8')
  return compile(src, {})({ ...ctx, meta: { templateHash: hashOf([['rtpengine.conf.hbs', src]]) } })
}

export { type RenderContext, validateRenderContext, RenderContextError } from './context.ts'
export { buildRenderContext, mergeContext } from './build-context.ts'
