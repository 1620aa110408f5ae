// Shares one in-flight promise between concurrent callers (token fetches, workspace discovery), so N callers
// that all find the token expired cause one token request, not N.

export class SingleFlight<T> {
  private inFlight: Promise<T> | undefined;

  run(work: () => Promise<T>): Promise<T> {
    if (!this.inFlight) {
      this.inFlight = work().finally(() => {
        this.inFlight = undefined;
      });
    }
    return this.inFlight;
  }
}
