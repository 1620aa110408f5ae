// Requests Node's HTTP parser refuses before Express sees them (headers over 16 KiB, a malformed request line):
// Node answers them with a bare status line and no body. The bridge answers with an RFC 7644 §3.12 error body
// instead, so that every answer a client gets is a SCIM response (issue 8), then closes the connection.
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { ScimError, toErrorBody, type ErrorCode } from '../scim/errors.js';
import { SCIM_MEDIA_TYPE } from './scim-response.js';

const DETAILS: Record<number, string> = {
  400: 'The request could not be parsed as HTTP.',
  408: 'The request took too long to arrive.',
  431: 'The request headers (or the URL) are larger than 16 KiB: send a long filter with POST .../.search.',
};

function errorCodeOf(code: string | undefined): ErrorCode {
  if (code === 'HPE_HEADER_OVERFLOW') return 'headersTooLarge';
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT' || code === 'HPE_REQUEST_TIMEOUT') return 'requestTimeout';
  return 'malformedRequest';
}

export function answerClientErrors(server: Server): void {
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    // a connection reset or a socket already answered: nothing to say to anyone
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const error = new ScimError(errorCodeOf(err.code), 'Bad request.');
    const status = error.status;
    const body = JSON.stringify(toErrorBody(new ScimError(error.code, DETAILS[status] ?? 'Bad request.')));
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n` +
        `Content-Type: ${SCIM_MEDIA_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n` +
        body,
    );
  });
}
