// Server's ASP.NET Web API error shapes (docs/reference/upstream-contracts.md B.7): `{message}` and `{message, modelState}`.
export class ServerError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly modelState?: Record<string, string[]>,
  ) {
    super(message);
  }

  static invalid(modelState: Record<string, string[]>): ServerError {
    return new ServerError(400, 'The request is invalid.', modelState);
  }

  static badRequest(message: string): ServerError {
    return new ServerError(400, message);
  }

  static notFound(message: string): ServerError {
    return new ServerError(404, message);
  }

  body(): { message: string; modelState?: Record<string, string[]> } {
    return this.modelState
      ? { message: this.message, modelState: this.modelState }
      : { message: this.message };
  }
}
