// JSON logs (pino) with secrets redacted wherever they could appear: auth headers, tokens, client secrets.
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.authorization',
  '*.Authorization',
  '*.password',
  '*.token',
  '*.access_token',
  '*.refresh_token',
  '*.refreshToken',
  '*.accessToken',
  '*.client_secret',
  '*.clientSecret',
  '*.secret',
  'SCIM_TOKEN',
  'AAC_REFRESH_TOKEN',
  'SERVER_CLIENT_SECRET',
];

export function createLogger(level: LevelWithSilent = 'info', destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'scim-bridge' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    destination,
  );
}
