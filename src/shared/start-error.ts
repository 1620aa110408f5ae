// A start-up failure the operator can fix: main.ts and the CLI print its message as one line (no stack trace) and
// exit non-zero. Anything else that stops a start is a bug and keeps its stack.
export class StartError extends Error {
  override readonly name: string = 'StartError';
  constructor(
    message: string,
    readonly exitCode = 1,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
