// Writing SCIM responses: the media type RFC 7644 §8.1 registers, and the RFC 7644 §3.12 error body.
import type { Response } from 'express';
import { toErrorBody, type ScimError } from '../scim/errors.js';

export const SCIM_MEDIA_TYPE = 'application/scim+json; charset=utf-8';

export function sendScim(
  res: Response,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.status(status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', SCIM_MEDIA_TYPE);
  res.end(JSON.stringify(body));
}

export function sendScimError(res: Response, err: ScimError, headers: Record<string, string> = {}): void {
  sendScim(res, err.status, toErrorBody(err), headers);
}
