// Small helpers shared by the benchmark scripts: percentiles, medians, process sampling.
import fs from 'node:fs'

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[i]
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2
}

export const round = (x: number, d = 2): number => Math.round(x * 10 ** d) / 10 ** d

/** VmRSS of a process in MB (Linux). */
export function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

/** VmHWM (peak RSS over the process's whole life) in MB (Linux). */
export function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))
  return m ? Number(m[1]) / 1024 : NaN
}

/** CPU seconds (user + system) a process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return (Number(f[11]) + Number(f[12])) / 100 // utime, stime in clock ticks (USER_HZ = 100)
}

/** Samples RSS every `everyMs` while a phase runs; returns the peak and the CPU cores used. */
export function sampler(pid: number, everyMs = 200) {
  let peak = 0
  const cpu0 = cpuSeconds(pid)
  const t0 = performance.now()
  const timer = setInterval(() => { peak = Math.max(peak, rssMb(pid)) }, everyMs)
  return {
    stop() {
      clearInterval(timer)
      peak = Math.max(peak, rssMb(pid))
      return { rssPeakMb: round(peak, 1), cores: round((cpuSeconds(pid) - cpu0) / ((performance.now() - t0) / 1000)) }
    },
  }
}

export function machine(): Record<string, string> {
  const cpuinfo = fs.readFileSync('/proc/cpuinfo', 'utf8')
  return {
    cpus: String((cpuinfo.match(/^processor\s*:/gm) ?? []).length),
    cpuModel: /^model name\s*:\s*(.*)$/m.exec(cpuinfo)?.[1] ?? '?',
    node: process.version,
    date: new Date().toISOString(),
  }
}

/** A process and all its descendants (Kamailio forks its workers). */
export function processTree(pid: number): number[] {
  const out = [pid]
  for (let i = 0; i < out.length; i++) {
    try {
      for (const task of fs.readdirSync(`/proc/${out[i]}/task`)) {
        const kids = fs.readFileSync(`/proc/${out[i]}/task/${task}/children`, 'utf8').trim()
        if (kids) out.push(...kids.split(' ').map(Number))
      }
    } catch {
      // gone meanwhile
    }
  }
  return out
}

/** CPU cores used by a process tree over a phase, and its busiest process. */
export function treeSampler(pid: number) {
  const pids = processTree(pid)
  const cpu = (p: number) => { try { return cpuSeconds(p) } catch { return 0 } }
  const before = new Map(pids.map((p) => [p, cpu(p)]))
  const t0 = performance.now()
  return {
    stop() {
      const secs = (performance.now() - t0) / 1000
      const used = pids.map((p) => (cpu(p) - (before.get(p) ?? 0)) / secs)
      return { cores: round(used.reduce((a, b) => a + b, 0)), busiestProcessCores: round(Math.max(...used)) }
    },
  }
}
