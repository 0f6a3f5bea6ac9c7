// Validates Kubernetes objects against the 1.27.1 OpenAPI schemas shipped by kubernetes-models 4.3.1
// (pinned in package.json), in two passes: the package's own ajv validation (types, required
// fields, formats) and a strict pass that rejects unknown fields, as kubeconform -strict does and the
// API server's field validation does since 1.27 (a misspelt "readinesProbe" is silently dropped by
// schema-only validation, and the pod runs without its probe).
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
type Schema = Record<string, any>
const schemas = new Map<string, Schema>()
// capture every schema the models register (exports.register is looked up at call time)
const validateLib = require('@kubernetes-models/validate')
const originalRegister = validateLib.register
validateLib.register = (id: string, schema: Schema) => {
  schemas.set(id, schema)
  return originalRegister(id, schema)
}

// kubernetes-models keeps API versions that 1.27 no longer serves (removed in 1.16-1.27, per the
// Kubernetes deprecation guide): refuse them, as a 1.27 API server would
const REMOVED_BY_1_27 = new Set(['extensions/v1beta1', 'apps/v1beta1', 'apps/v1beta2', 'policy/v1beta1', 'autoscaling/v2beta1',
  'autoscaling/v2beta2', 'batch/v1beta1', 'networking.k8s.io/v1beta1', 'discovery.k8s.io/v1beta1', 'events.k8s.io/v1beta1',
  'rbac.authorization.k8s.io/v1beta1', 'scheduling.k8s.io/v1beta1', 'node.k8s.io/v1beta1', 'flowcontrol.apiserver.k8s.io/v1beta1',
  'storage.k8s.io/v1beta1', 'admissionregistration.k8s.io/v1beta1', 'apiextensions.k8s.io/v1beta1', 'certificates.k8s.io/v1beta1'])

/** apiVersion/kind → model class of kubernetes-models ("apps/v1" → kubernetes-models/apps/v1/Kind, core "v1") */
function modelFor(apiVersion: string, kind: string): any {
  if (REMOVED_BY_1_27.has(apiVersion) || !/^[a-z0-9.]*\/?v[0-9a-z]+$/.test(apiVersion) || !/^[A-Za-z]+$/.test(kind)) return undefined
  try {
    return require(`kubernetes-models/${apiVersion}/${kind}`)[kind]
  } catch {
    return undefined
  }
}

function strictWalk(schema: Schema | undefined, data: unknown, path: string, errors: string[]): void {
  if (!schema || data === null || typeof data !== 'object') return
  if (schema.$ref) return strictWalk(schemas.get(String(schema.$ref).replace(/#$/, '')), data, path, errors)
  for (const k of ['oneOf', 'anyOf', 'allOf'] as const) {
    for (const sub of schema[k] ?? []) if (sub.type !== 'null') strictWalk(sub, data, path, errors)
  }
  if (Array.isArray(data)) {
    data.forEach((d, i) => strictWalk(schema.items, d, `${path}[${i}]`, errors))
    return
  }
  const obj = data as Record<string, unknown>
  if (schema.properties) {
    for (const [key, value] of Object.entries(obj)) {
      const prop = schema.properties[key]
      if (prop) strictWalk(prop, value, `${path}.${key}`, errors)
      else if (schema.additionalProperties === undefined || schema.additionalProperties === false) errors.push(`${path}.${key}: unknown field`)
    }
  } else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    for (const [key, value] of Object.entries(obj)) strictWalk(schema.additionalProperties, value, `${path}.${key}`, errors)
  }
}

/** Problems of one object ([] = valid for Kubernetes 1.27). */
export function validateK8s(obj: any): string[] {
  const where = `${obj?.kind ?? '?'}/${obj?.metadata?.name ?? '?'}`
  const Model = modelFor(String(obj?.apiVersion), String(obj?.kind))
  if (!Model) return [`${where}: ${obj?.apiVersion} ${obj?.kind} is not a Kubernetes 1.27 API`]
  const errors: string[] = []
  try {
    new Model(obj).validate()
  } catch (e) {
    errors.push(`${where}: ${(e as Error).message}`)
  }
  const id = Object.keys(Object.fromEntries(schemas)).find((k) => k.endsWith(`.${obj.apiVersion.split('/').pop()}.${obj.kind}`) && schemas.get(k)?.properties?.kind)
  const strictErrors: string[] = []
  strictWalk(id ? schemas.get(id) : undefined, obj, where, strictErrors)
  return [...errors, ...strictErrors]
}
