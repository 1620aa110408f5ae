// Request bodies: JSON under `application/scim+json` (RFC 7644 §3.8), `application/json` (Okta's SPEC test and
// Microsoft's collection send it) and any other `+json` type, or no Content-Type at all. Other media types → 415.
// Parse failures become SCIM errors here rather than Express's HTML pages (docs/reference/notes.md deviation 7).
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { ScimError } from '../scim/errors.js';

const JSON_TYPES = ['application/json', 'application/scim+json', 'application/*+json', 'text/json'];

interface BodyParserError {
  type?: string;
  status?: number;
  charset?: string;
  limit?: number;
}

function asScimError(error: unknown, maxBytes: number): ScimError {
  const err = (error ?? {}) as BodyParserError;
  switch (err.type) {
    case 'entity.parse.failed':
      return new ScimError('invalidSyntax', 'The request body is not valid JSON.');
    case 'entity.too.large':
      return new ScimError(
        'payloadTooLarge',
        `The request body is larger than the limit of ${maxBytes} bytes.`,
      );
    case 'charset.unsupported':
      return new ScimError(
        'unsupportedMediaType',
        `Unsupported charset "${err.charset ?? ''}": send UTF-8 JSON.`,
      );
    case 'encoding.unsupported':
      return new ScimError('unsupportedMediaType', 'Unsupported Content-Encoding.');
    default:
      // body-parser marks a body it could not read with a 400 (aborted, size mismatch) or a 500 (stream trouble).
      // The keyword goes only with 400 (RFC 7644 §3.12); anything else is ours, not the client's.
      return (err.status ?? 400) === 400
        ? new ScimError('invalidSyntax', 'The request body could not be read.')
        : new ScimError('internal', 'The request body could not be read.');
  }
}

export function jsonBody(maxBytes: number): RequestHandler {
  const parse = express.json({
    limit: maxBytes,
    strict: false,
    // A body without Content-Type is read as JSON too: several IdP test tools omit it.
    type: (req) => !req.headers['content-type'] || JSON_TYPES.some((t) => typeIs(req as Request, t)),
  });
  return (req: Request, res: Response, next: NextFunction) => {
    const hasBody =
      Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && req.headers['content-type'] && !JSON_TYPES.some((t) => typeIs(req, t))) {
      return next(
        new ScimError(
          'unsupportedMediaType',
          `Unsupported media type "${req.headers['content-type']}": send application/scim+json.`,
        ),
      );
    }
    parse(req, res, (err?: unknown) => (err ? next(asScimError(err, maxBytes)) : next()));
  };
}

function typeIs(req: Request, type: string): boolean {
  return Boolean(req.is(type));
}
