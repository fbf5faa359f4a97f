import { z } from 'zod';
import { IdSchema, NameSchema } from '../shared/primitives';

/** Creates an org unit, or renames or moves an existing one (the tree stays a tree). */
export const DefineOrgUnitSchema = z
  .object({
    orgUnitId: IdSchema,
    name: NameSchema,
    parentId: IdSchema.nullable().default(null),
  })
  .strict();
export type DefineOrgUnit = z.infer<typeof DefineOrgUnitSchema>;

export const orgUnitCommandSchemas = { DefineOrgUnit: DefineOrgUnitSchema } as const;
