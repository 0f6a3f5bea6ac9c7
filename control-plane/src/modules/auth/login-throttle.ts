// Per-source-IP login throttle: a fixed one-minute window per IP, in this process. It blunts
// password spraying across many accounts from one address; guessing one account's password is
// stopped by the account lock (failedLogins in the database), which every instance shares.
export class LoginThrottle {
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(private readonly perMinute: number, private readonly now: () => number = Date.now) {}

  /** Counts an attempt; false when the IP is over its budget for this minute. */
  hit(ip: string): boolean {
    const t = this.now()
    const w = this.windows.get(ip)
    if (!w || t - w.start >= 60_000) {
      if (this.windows.size > 10_000) this.sweep(t) // bounded memory under a spray from many IPs
      this.windows.set(ip, { start: t, count: 1 })
      return true
    }
    w.count++
    return w.count <= this.perMinute
  }

  private sweep(t: number) {
    for (const [ip, w] of this.windows) if (t - w.start >= 60_000) this.windows.delete(ip)
  }
}
