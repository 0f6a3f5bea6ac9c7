// V8 flags the control plane sets on itself, first thing, whatever launched it (npm start, the
// container, systemd): NODE_OPTIONS refuses most V8 flags, and a flag set here cannot be forgotten
// by one launcher. Imported first by server.ts, before any module compiles WebAssembly. A flag
// given on node's command line wins (e.g. `node --no-optimize-for-size dist/…/server.js`).
// One flag cannot be set here, because V8 sizes the heap before any code runs: the launchers
// (package.json "start", the Dockerfile, the systemd unit) pass `--max-semi-space-size=1`, which
// keeps the young generation at 2 MB under load (it grew to 32 MB: RSS 200 -> 174 MB at the
// lookup bench's peak).
import v8 from 'node:v8'

const FLAGS = [
  // Prisma 7's query compiler is a 3.4 MB WebAssembly module. By default V8 compiles it with
  // Liftoff and then recompiles hot functions with TurboFan on background threads: that second
  // tier cost ~50 MB of RSS for nothing we could measure (CPU per query 770 µs Liftoff-only vs
  // 880-1,000 µs tiered). The routing hot path is plain JS and is not affected.
  'liftoff-only',
  // A smaller young generation and a slower-growing old one: idle RSS with 10,000 users 220 ->
  // 157 MB (docs/benchmarks.md §1). The lookups allocate little that survives a scavenge, so the
  // extra scavenges are short.
  'optimize-for-size',
]

const given = (flag: string) => process.execArgv.some((a) => a.replace(/^--(no-)?/, '').split('=')[0].replaceAll('_', '-') === flag)

for (const flag of FLAGS) if (!given(flag)) v8.setFlagsFromString(`--${flag}`)
