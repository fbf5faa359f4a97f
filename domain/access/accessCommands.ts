import { z } from 'zod';
import { IdSchema } from '../shared/primitives';
import { GrantConstraintsSchema, PermissionSchema } from './accessEvents';

/** grantId defaults to the command id, so a retried grant is the same grant. */
export const GrantPermissionSchema = z
  .object({
    userId: IdSchema,
    permission: PermissionSchema,
    constraints: GrantConstraintsSchema.default({}),
    grantId: IdSchema.optional(),
  })
  .strict();

/** Revokes one grant (grantId) or every grant of a permission (permission). */
export const RevokePermissionSchema = z
  .object({ userId: IdSchema, grantId: IdSchema.optional(), permission: PermissionSchema.optional() })
  .strict()
  .refine((command) => (command.grantId === undefined) !== (command.permission === undefined), {
    error: 'give grantId or permission, not both',
  });

export const accessCommandSchemas = {
  GrantPermission: GrantPermissionSchema,
  RevokePermission: RevokePermissionSchema,
} as const;
