// Reads CreateUserContract / UpdateUserContract bodies (docs/reference/upstream-contracts.md B.5) from JSON or form fields and reports
// problems as ASP.NET ModelState (`contract.<Field>` → messages, B.7). Form values arrive as strings, so booleans
// are read from "true"/"false" as the Web API model binder does.
import { ServerError } from './errors.js';
import type { UserFields } from './model.js';
import { parseRole } from './roles.js';

type FieldKind = 'text' | 'required-text' | 'email' | 'bool' | 'role';

const FIELDS: Array<[keyof UserFields, FieldKind]> = [
  ['firstName', 'required-text'],
  ['lastName', 'required-text'],
  ['email', 'email'],
  ['role', 'role'],
  ['defaultWorkerTag', 'text'],
  ['canScheduleJobs', 'bool'],
  ['canPrioritizeJobs', 'bool'],
  ['canAssignJobs', 'bool'],
  ['canCreateCollections', 'bool'],
  ['isApiEnabled', 'bool'],
  ['defaultCredentialId', 'text'],
  ['isAccountLocked', 'bool'],
  ['isActive', 'bool'],
  ['isValidated', 'bool'],
  ['timeZone', 'text'],
  ['language', 'text'],
  ['canCreateAndUpdateDcm', 'bool'],
  ['canShareForExecutionDcm', 'bool'],
  ['canShareForCollaborationDcm', 'bool'],
  ['canManageGenericVaultsDcm', 'bool'],
];

/** Fields CreateUserContract requires (B.5: firstName, lastName, email). */
const CREATE_REQUIRED = new Set<keyof UserFields>(['firstName', 'lastName', 'email']);
/** UpdateUserContract marks every non-DCM field not-null (B.5, Part D #28). */
const UPDATE_REQUIRED = new Set<keyof UserFields>(
  FIELDS.map(([name]) => name).filter((name) => !name.endsWith('Dcm')),
);

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

function readValue(kind: FieldKind, raw: unknown, strictRoles: boolean): { value?: unknown; error?: string } {
  switch (kind) {
    case 'bool':
      if (typeof raw === 'boolean') return { value: raw };
      if (raw === 'true' || raw === 'True') return { value: true };
      if (raw === 'false' || raw === 'False') return { value: false };
      return { error: `The value '${String(raw)}' is not valid for a boolean.` };
    case 'role': {
      const role = parseRole(raw, strictRoles);
      return role
        ? { value: role }
        : {
            error: `The value '${String(raw)}' is not valid for Role. Valid values: NoAccess, Viewer, Member, Artisan, Curator, Evaluated.`,
          };
    }
    case 'email':
      if (typeof raw !== 'string' || raw.trim() === '') return { error: 'required' };
      return EMAIL_SHAPE.test(raw)
        ? { value: raw.trim() }
        : { error: `The Email field is not a valid e-mail address.` };
    case 'required-text':
      if (typeof raw !== 'string' || raw.trim() === '') return { error: 'required' };
      return { value: raw };
    case 'text':
      return typeof raw === 'string' ? { value: raw } : { error: 'The value is not a string.' };
  }
}

/**
 * Parses a user contract. `requireAll` applies the UpdateUserContract rule; for creation only the three create fields
 * are required. Absent optional fields are left out of the result.
 */
export function readUserContract(
  body: unknown,
  mode: 'create' | 'update',
  options: { requireAll: boolean; strictRoles: boolean; windowsAuth?: boolean },
): Partial<UserFields> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ServerError.invalid({ contract: ['A user contract object is required.'] });
  }
  const input = body as Record<string, unknown>;
  const required = new Set<keyof UserFields>(
    mode === 'create' ? CREATE_REQUIRED : options.requireAll ? UPDATE_REQUIRED : [],
  );
  // UpdateUserContract: firstName/lastName are "required on non windows authentication type" (B.5).
  if (mode === 'update' && options.windowsAuth) {
    required.delete('firstName');
    required.delete('lastName');
  }
  const modelState: Record<string, string[]> = {};
  const result: Record<string, unknown> = {};
  for (const [name, kind] of FIELDS) {
    const raw = input[name] ?? input[pascal(name)];
    const key = `contract.${pascal(name)}`;
    if (raw === undefined || raw === null) {
      if (required.has(name)) modelState[key] = [`The ${pascal(name)} field is required.`];
      continue;
    }
    const { value, error } = readValue(kind, raw, options.strictRoles);
    if (error === 'required') {
      // An empty name on a Windows-auth update is a value like any other (the names come from AD there).
      if (mode === 'update' && options.windowsAuth && kind === 'required-text' && typeof raw === 'string')
        result[name] = raw;
      else if (required.has(name) || mode === 'update')
        modelState[key] = [`The ${pascal(name)} field is required.`];
    } else if (error) modelState[key] = [error];
    else result[name] = value;
  }
  if (Object.keys(modelState).length > 0) throw ServerError.invalid(modelState);
  return result;
}
