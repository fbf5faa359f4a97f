import type { z } from 'zod';

/** The union of `{type, data}` messages described by a record of zod schemas, inferred rather than written twice. */
export type MessagesOf<Schemas extends Record<string, z.ZodType>> = {
  [Type in keyof Schemas & string]: { type: Type; data: z.infer<Schemas[Type]> };
}[keyof Schemas & string];

/** Picks one message of a union by its type. */
export type MessageOf<Union extends { type: string }, Type extends Union['type']> = Extract<Union, { type: Type }>;
