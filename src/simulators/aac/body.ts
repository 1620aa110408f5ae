// Validates a JSON body against a zod schema and answers AAC's 400 ValidationFailed (docs/reference/upstream-contracts.md A.4) on mismatch.
import type { z } from 'zod';
import { AacError } from './errors.js';

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success)
    throw AacError.validation(
      result.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; '),
    );
  return result.data;
}
