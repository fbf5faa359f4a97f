import { z } from 'zod';
import { commandDataSchemas, CommandEnvelopeSchema, commandTypes } from '../../domain/commands';
import { eventSchemas, eventTypes } from '../../domain/events';
import { queryNames, queryParamSchemas, QueryEnvelopeSchema } from '../../domain/queries';
import { CommandReplySchema } from '../../handlers/ports/reply';

const toSchema = (schema: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    cycles: 'ref',
    reused: 'inline',
  }) as Record<string, unknown>;
  return rest;
};

const QueryReplySchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), position: z.number().int(), result: z.unknown() }),
  z.object({
    ok: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), details: z.record(z.string(), z.unknown()) }),
  }),
]);

const IntegrationEventEnvelope = z.object({
  id: z.string().describe('event id (UUID); also the Nats-Msg-Id'),
  type: z.string(),
  stream: z.string(),
  position: z.number().int(),
  occurredAt: z.string(),
  actorId: z.string(),
  commandId: z.string(),
  correlationId: z.string(),
  causationId: z.string().optional(),
  data: z.unknown(),
});

/** The AsyncAPI 2.6 document of every NATS subject the engine serves or publishes, with the default prefix `lms`. */
export function asyncApiDocument(): Record<string, unknown> {
  const envelope = toSchema(CommandEnvelopeSchema);
  const commandMessage = (type: string) => ({
    name: type,
    contentType: 'application/json',
    payload: {
      allOf: [
        envelope,
        {
          type: 'object',
          properties: {
            type: { const: type },
            data: toSchema(commandDataSchemas[type as keyof typeof commandDataSchemas]),
          },
        },
      ],
    },
  });
  const channels: Record<string, unknown> = {};
  for (const type of commandTypes) {
    channels[`lms.cmd.${type}`] = {
      description: `Request-reply: ${type}. Served in the queue group lms-engine; the reply is the command reply envelope.`,
      subscribe: { operationId: `request${type}`, message: commandMessage(type) },
      bindings: { nats: { queue: 'lms-engine' } },
      'x-reply': { payload: toSchema(CommandReplySchema) },
    };
    channels[`lms.intake.${type}`] = {
      description: `Durable ${type} through the JetStream stream LMS_COMMANDS. Set the Nats-Msg-Id header to the commandId; the result is published on lms.results.{commandId}.`,
      subscribe: { operationId: `publishDurable${type}`, message: commandMessage(type) },
    };
  }
  for (const name of queryNames) {
    channels[`lms.query.${name}`] = {
      description: `Request-reply query ${name}; minPosition waits (bounded) for the read models to reach a command's position.`,
      subscribe: {
        operationId: `query${name}`,
        message: {
          name,
          contentType: 'application/json',
          payload: {
            allOf: [
              toSchema(QueryEnvelopeSchema),
              { type: 'object', properties: { params: toSchema(queryParamSchemas[name]) } },
            ],
          },
        },
      },
      bindings: { nats: { queue: 'lms-engine' } },
      'x-reply': { payload: toSchema(QueryReplySchema) },
    };
  }
  channels['lms.results.{commandId}'] = {
    description: 'The result of a durable command (stored a day in the JetStream stream LMS_RESULTS).',
    parameters: { commandId: { schema: { type: 'string' } } },
    publish: {
      operationId: 'commandResult',
      message: { name: 'CommandReply', contentType: 'application/json', payload: toSchema(CommandReplySchema) },
    },
  };
  for (const type of eventTypes) {
    channels[`lms.events.${type}`] = {
      description: `Integration event ${type}, published after it is stored, at least once, in log order, into the JetStream stream LMS_EVENTS (Nats-Msg-Id = event id).`,
      publish: {
        operationId: `event${type}`,
        message: {
          name: type,
          contentType: 'application/json',
          payload: {
            allOf: [
              toSchema(IntegrationEventEnvelope),
              { type: 'object', properties: { type: { const: type }, data: toSchema(eventSchemas[type]) } },
            ],
          },
        },
      },
    };
  }
  channels['lms.deadletter.{CommandType}'] = {
    description:
      'Poison durable commands (invalid, or failing after the bounded deliveries), terminated and recorded in LMS_DEADLETTER.',
    parameters: { CommandType: { schema: { type: 'string' } } },
    publish: {
      operationId: 'deadLetter',
      message: {
        name: 'DeadLetter',
        contentType: 'application/json',
        payload: {
          type: 'object',
          properties: {
            why: { type: 'string' },
            commandId: { type: ['string', 'null'] },
            subject: { type: 'string' },
            deliveries: { type: 'integer' },
            reply: {},
            payload: { type: 'string' },
          },
        },
      },
    },
  };
  return {
    asyncapi: '2.6.0',
    info: {
      title: 'Training-assignment engine',
      version: '0.1.0',
      description:
        'Generated by `npm run contract` from the zod schemas. Subjects use the default prefix `lms` (LMS_PREFIX).',
    },
    defaultContentType: 'application/json',
    servers: { nats: { url: 'nats://localhost:4222', protocol: 'nats' } },
    channels,
  };
}
