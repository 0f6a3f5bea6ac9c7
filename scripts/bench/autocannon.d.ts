// The part of autocannon's API the benchmarks use (the package ships no types).
declare module 'autocannon' {
  interface Histogram { average: number; mean: number; stddev: number; min: number; max: number; p50: number; p90: number; p97_5: number; p99: number; p99_9?: number }
  interface Result { requests: Histogram & { total: number }; latency: Histogram; errors: number; timeouts: number; non2xx: number; duration: number; '2xx': number }
  interface RequestSpec { method?: string; path?: string; headers?: Record<string, string>; body?: string; setupRequest?: (req: RequestSpec, context: Record<string, unknown>) => RequestSpec }
  interface Options { url: string; connections?: number; pipelining?: number; duration?: number; overallRate?: number; headers?: Record<string, string>; requests?: RequestSpec[]; method?: string }
  function autocannon(opts: Options): Promise<Result>
  export default autocannon
}
