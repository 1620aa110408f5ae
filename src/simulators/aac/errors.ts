// AAC's error body `{"exception":{"name","message","details"}}` (docs/reference/upstream-contracts.md A.4).
import type { Response } from 'express';

export class AacError extends Error {
  constructor(
    readonly status: number,
    readonly exceptionName: string,
    message: string,
    readonly details: string = message,
  ) {
    super(message);
  }

  static validation(details: string): AacError {
    return new AacError(400, 'ValidationFailed', 'Input validation failed', details);
  }

  static notFound(details: string): AacError {
    return new AacError(404, 'NotFoundException', 'Not Found', details);
  }

  static forbidden(details: string): AacError {
    return new AacError(403, 'ForbiddenException', 'Forbidden', details);
  }

  static conflict(details: string): AacError {
    return new AacError(409, 'ConflictException', 'Conflict', details);
  }
}

export function aacErrorBody(name: string, message: string, details: string) {
  return { exception: { name, message, details } };
}

export function sendAacError(res: Response, error: AacError): void {
  res.status(error.status).json(aacErrorBody(error.exceptionName, error.message, error.details));
}
