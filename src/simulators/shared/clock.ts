// A clock the tests can move forward, so token lifetimes, refresh-token expiry modes (docs/reference/upstream-contracts.md Part D #3) and the
// re-invite waiting period (Part D #17) can be checked without waiting in real time.
export class SimClock {
  private offsetMs = 0;

  now(): number {
    return Date.now() + this.offsetMs;
  }

  nowIso(): string {
    return new Date(this.now()).toISOString();
  }

  advance(ms: number): void {
    this.offsetMs += ms;
  }

  reset(): void {
    this.offsetMs = 0;
  }
}
