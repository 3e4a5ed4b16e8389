import type { RoleFactory } from './compose.ts';
import { counterRoleFactory } from './counter-role.ts';
import { libraryRoleFactory } from './library-role.ts';

/**
 * The counter and library flows as service roles (the validator is built into compose.ts).
 * Each factory builds its role's devices and flow from the device config.
 */
export const ROLE_FACTORIES: Partial<Record<'counter' | 'library', RoleFactory>> = {
  counter: counterRoleFactory(),
  library: libraryRoleFactory(),
};
