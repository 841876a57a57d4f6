/** A token bucket: `burst` requests at once, refilled at `requestsPerSecond`. */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(private readonly rate: number, private readonly burst: number, now = Date.now()) {
    if (!(rate > 0)) {
      throw new Error(`requestsPerSecond must be above 0, received ${rate}`);
    }
    if (!(burst >= 1)) {
      throw new Error(`burst must be at least 1, received ${burst}`);
    }
    this.tokens = burst;
    this.refilledAt = now;
  }

  /** Takes a token; when none is left, returns the whole seconds until one will be. */
  public take(now = Date.now()): { allowed: true } | { allowed: false; retryAfterSeconds: number } {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.rate)) };
  }

  public refill(now = Date.now()): void {
    this.tokens = this.burst;
    this.refilledAt = now;
  }
}
