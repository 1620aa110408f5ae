// IdMapping row ⇄ the core's Mapping. JSON columns are parsed defensively: a bad value means "unknown", which the
// core treats as "diff against nothing" (it re-sends), never as a crash.
import { z } from 'zod';
import type { Mapping, MappingState } from '../../core/provisioning/model.js';
import { MAPPING_STATES } from '../../core/provisioning/model.js';
import { column } from '../rows.js';

const optionalText = z.string().optional();
const userPushed = z.object({
  email: z.string(),
  givenName: optionalText,
  familyName: optionalText,
  displayName: optionalText,
  active: z.boolean(),
});
const groupPushed = z.object({ displayName: z.string() });
const extraSchema = z.object({
  removedGroupIds: z.array(z.string()).optional(),
  notPropagated: z.string().optional(),
});

export interface MappingRow {
  upstreamId: string | null;
  state: string;
  reason: string | null;
  email: string | null;
  displayName: string | null;
  lastPushed: string | null;
  extra: string | null;
}

/** The MappingRow columns read from raw SQL (../rows.ts). */
export const MAPPING_ROW = {
  upstreamId: column.nullableText,
  state: column.text,
  reason: column.nullableText,
  email: column.nullableText,
  displayName: column.nullableText,
  lastPushed: column.nullableText,
  extra: column.nullableText,
};

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function asState(value: string): MappingState {
  return (MAPPING_STATES as readonly string[]).includes(value) ? (value as MappingState) : 'pending';
}

export function toMapping(row: MappingRow): Mapping {
  const pushed = parseJson(row.lastPushed);
  const user = userPushed.safeParse(pushed);
  const group = groupPushed.safeParse(pushed);
  const extra = extraSchema.safeParse(parseJson(row.extra) ?? {});
  return {
    upstreamId: row.upstreamId,
    state: asState(row.state),
    reason: row.reason,
    email: row.email,
    displayName: row.displayName,
    lastPushed: user.success ? user.data : group.success ? group.data : null,
    extra: extra.success ? extra.data : {},
  };
}

export function mappingColumns(mapping: Mapping): MappingRow {
  const extra = Object.fromEntries(Object.entries(mapping.extra).filter(([, v]) => v !== undefined));
  return {
    upstreamId: mapping.upstreamId,
    state: mapping.state,
    reason: mapping.reason,
    email: mapping.email,
    displayName: mapping.displayName,
    lastPushed: mapping.lastPushed ? JSON.stringify(mapping.lastPushed) : null,
    extra: Object.keys(extra).length > 0 ? JSON.stringify(extra) : null,
  };
}
