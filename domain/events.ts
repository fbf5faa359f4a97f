import type { z } from 'zod';
import { accessEventSchemas } from './access/accessEvents';
import { assignmentRuleEventSchemas } from './assignmentRule/assignmentRuleEvents';
import { courseEventSchemas } from './course/courseEvents';
import { groupEventSchemas } from './group/groupEvents';
import { orgUnitEventSchemas } from './orgUnit/orgUnitEvents';
import { portalEventSchemas } from './portal/portalEvents';
import type { MessageOf, MessagesOf } from './shared/messages';
import { userEventSchemas } from './user/userEvents';
import { trainingEventSchemas } from './userTraining/trainingEvents';

/** Every domain event's data schema, by event type: the single source of truth for the contract. */
export const eventSchemas = {
  ...portalEventSchemas,
  ...orgUnitEventSchemas,
  ...userEventSchemas,
  ...courseEventSchemas,
  ...groupEventSchemas,
  ...assignmentRuleEventSchemas,
  ...trainingEventSchemas,
  ...accessEventSchemas,
} as const;

export type EventType = keyof typeof eventSchemas;
export type DomainEvent = MessagesOf<typeof eventSchemas>;
export type EventOf<Type extends EventType> = MessageOf<DomainEvent, Type>;
export type EventData<Type extends EventType> = z.infer<(typeof eventSchemas)[Type]>;

export const eventTypes = Object.keys(eventSchemas) as EventType[];

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventSchemas, type);
}

/** Narrows a stored `{type, data}` to a domain event. Stored data was validated when written, so no re-parse. */
export function asDomainEvent(event: { type: string; data: unknown }): DomainEvent | undefined {
  return isEventType(event.type) ? ({ type: event.type, data: event.data } as DomainEvent) : undefined;
}
