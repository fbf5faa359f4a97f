import { z } from 'zod';
import { IdSchema, NameSchema } from '../shared/primitives';

export const OrgUnitDefinedSchema = z.object({
  orgUnitId: IdSchema,
  name: NameSchema,
  parentId: IdSchema.nullable(),
  previousParentId: IdSchema.nullable().optional(),
});

export const orgUnitEventSchemas = { OrgUnitDefined: OrgUnitDefinedSchema } as const;
