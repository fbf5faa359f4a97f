/**
 * Property-based tests (issue #7, item 3): what bad input gets (DESIGN.md section 7). Hostile values in every field of
 * every command type and every query (enumerated from the zod schemas in domain/commands.ts and domain/queries.ts),
 * hostile envelopes, random bytes through the transport's decoder, and injection-looking text in fields where it is
 * valid (stored and queried literally: the SQL binds parameters). The engine runs on the SQLite event store, so the
 * claim is tested where SQL is.
 */
import fc from 'fast-check';
import type { CommandType } from '../../domain/commands';
import { commandDataSchemas, commandTypes } from '../../domain/commands';
import type { QueryName } from '../../domain/queries';
import { queryNames, queryParamSchemas } from '../../domain/queries';
import type { CommandReply } from '../../handlers/ports/reply';
import { SqliteEventStore } from '../../infra/eventstore/sqliteEventStore';
import { decodeJson } from '../../infra/nats/payloads';
import type { Harness } from '../support/engineHarness';
import { ADMIN, engineHarness } from '../support/engineHarness';
import {
  CERTAINLY_INVALID_KINDS,
  certainlyInvalid,
  certainlyInvalidValue,
  commandFields,
  commandTypeArb,
  confusedValue,
  freshCommandId,
  INJECTIONS,
  injectionText,
  isWellFormed,
  PROPERTY_SEED,
  propertyParameters,
  queryFields,
  queryNameArb,
  RUNS,
  randomBytesText,
  START,
  seedHostilePortal,
  VALID_COMMAND_DATA,
  VALID_QUERY_PARAMS,
} from './arbitraries';

// --- helpers ---------------------------------------------------------------------------------------

async function hostilePortal(): Promise<Harness> {
  const h = engineHarness({ store: SqliteEventStore.open({ file: ':memory:' }), now: START });
  await seedHostilePortal(h);
  return h;
}

interface Issue {
  path: string;
  message: string;
}

/** The reply is VALIDATION_FAILED with zod issues (path and message each), serializable, and does not echo the hostile payload. */
function expectValidationFailed(
  reply: { ok: boolean; error?: { code: string; details: Record<string, unknown> } },
  at?: string,
): Issue[] {
  const text = JSON.stringify(reply);
  if (reply.ok || reply.error?.code !== 'VALIDATION_FAILED')
    throw new Error(`expected VALIDATION_FAILED, got ${text.slice(0, 500)}`);
  const issues = reply.error.details.issues as Issue[] | undefined;
  if (!Array.isArray(issues) || issues.length === 0)
    throw new Error(`VALIDATION_FAILED without zod issues: ${text.slice(0, 500)}`);
  for (const issue of issues)
    if (typeof issue.path !== 'string' || typeof issue.message !== 'string' || issue.message === '')
      throw new Error(`malformed issue ${JSON.stringify(issue)}`);
  // The reply does not carry the hostile input back (the command id, echoed as given, aside).
  const withoutId = JSON.stringify({ ...reply, commandId: null });
  if (withoutId.length > 64 * 1024)
    throw new Error(`the reply is ${withoutId.length} characters: it echoes the hostile input`);
  if (
    at !== undefined &&
    !issues.some((issue) => issue.path === at || issue.path.startsWith(`${at}.`) || issue.path.startsWith(`${at}[`))
  ) {
    throw new Error(`no issue names ${at}: ${JSON.stringify(issues).slice(0, 500)}`);
  }
  return issues;
}

let alive = 0;

/** Nothing appended, no command recorded, and the engine answers the next valid command (which appends). */
async function expectUntouchedAndAlive(h: Harness, headBefore: number, commandId: unknown): Promise<void> {
  const head = await h.store.headPosition();
  if (head !== headBefore) throw new Error(`the store moved from ${headBefore} to ${head}`);
  if (typeof commandId === 'string' && (await h.store.findCommand(commandId)) !== undefined)
    throw new Error(`command ${commandId} was recorded`);
  alive++;
  const next = await h.send('DefineOrgUnit', { orgUnitId: 'ou-alive', name: `Alive ${alive}`, parentId: 'acme' });
  if (!next.ok) throw new Error(`the engine refused the next valid command: ${next.error.code} ${next.error.message}`);
  if (next.position <= head)
    throw new Error(`the next valid command stored nothing (position ${next.position}, head ${head})`);
}

function expectNoPrototypePollution(): void {
  const probe = {} as Record<string, unknown>;
  expect(probe.polluted).toBeUndefined();
  expect(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted')).toBe(false);
}

/** Fields holding ids (userId, courseIds, parentId, managerId, grantId, ...). */
const ID_FIELD = /Ids?$/;
/** Characters no id accepts (IdSchema: letters, digits and . _ : @ -). */
const NOT_IN_AN_ID = /[^A-Za-z0-9._:@-]/;

const send = (h: Harness, envelope: unknown): Promise<CommandReply> => h.engine.send(envelope);

const ENVELOPE_FIELDS = ['commandId', 'type', 'actor', 'data', 'reason', 'notes', 'correlationId'] as const;
const QUERY_ENVELOPE_FIELDS = ['type', 'actor', 'params', 'minPosition'] as const;

// --- commands ----------------------------------------------------------------------------------------

describe(`section 7: hostile commands get VALIDATION_FAILED with zod issues, append nothing, and the engine keeps answering (fast-check seed ${PROPERTY_SEED} + offset)`, () => {
  let h: Harness;
  beforeAll(async () => {
    h = await hostilePortal();
  });
  afterAll(async () => {
    await h.store.close();
    h.readModels.close();
  });
  afterEach(expectNoPrototypePollution);

  test('every valid base command is accepted on the hostile-input portal (the baseline the hostile variants depart from)', async () => {
    /** What a base command needs done first to be accepted (not only valid). */
    const setup: Partial<Record<CommandType, [CommandType, Record<string, unknown>]>> = {
      UnassignCourse: ['AssignCourse', { userIds: ['u1'], courseIds: ['c-std'] }],
      RemoveExemption: ['ExemptUser', { userId: 'u1', courseId: 'c-std', reason: 'on a support plan' }],
      ActivateCourse: ['DeactivateCourse', { courseId: 'c-std' }],
      RevokePermission: ['GrantPermission', { userId: 'u1', permission: 'reports.view' }],
      CorrectCompletion: ['CompleteCourse', { userId: 'u1', courseId: 'c-std', completedOn: '2026-01-05', score: 80 }],
      RevokeCompletion: ['CompleteCourse', { userId: 'u1', courseId: 'c-std', completedOn: '2026-01-05' }],
    };
    for (const type of commandTypes) {
      const fresh = await hostilePortal();
      const before = setup[type];
      if (before) await fresh.ok(...before);
      const reply = await fresh.send(type, VALID_COMMAND_DATA[type]);
      expect({ type, ok: reply.ok, error: reply.ok ? undefined : reply.error.message }).toEqual({
        type,
        ok: true,
        error: undefined,
      });
      await fresh.store.close();
      fresh.readModels.close();
    }
  });

  test(`every field of every command type (${commandTypes.length} types) × every certainly-invalid value (${CERTAINLY_INVALID_KINDS.join(', ')})`, async () => {
    let cases = 0;
    for (const type of commandTypes) {
      for (const field of commandFields[type]) {
        for (const kind of CERTAINLY_INVALID_KINDS) {
          const headBefore = await h.store.headPosition();
          const commandId = freshCommandId();
          const reply = await send(h, {
            commandId,
            type,
            actor: { userId: ADMIN },
            data: { ...VALID_COMMAND_DATA[type], [field]: certainlyInvalid(kind) },
          });
          try {
            expectValidationFailed(reply, `data.${field}`);
            expect(reply.ok === false && reply.commandId).toBe(commandId);
            await expectUntouchedAndAlive(h, headBefore, commandId);
          } catch (error) {
            throw new Error(`${type}.${field} = ${kind}: ${(error as Error).message}`);
          }
          cases++;
        }
      }
    }
    expect(cases).toBeGreaterThan(900);
  });

  test(`injection-looking text (${INJECTIONS.length} samples: SQL, shell, path traversal, NUL, format strings, unicode) in every field of every command type: ids, dates, enums, numbers and booleans refuse it with VALIDATION_FAILED and nothing appended; free-text fields take it as data`, async () => {
    let refused = 0;
    let taken = 0;
    for (const type of commandTypes) {
      for (const field of commandFields[type]) {
        for (const text of INJECTIONS) {
          const data = { ...VALID_COMMAND_DATA[type], [field]: text };
          const valid = commandDataSchemas[type].safeParse(data).success;
          const headBefore = await h.store.headPosition();
          const reply = await send(h, { commandId: freshCommandId(), type, actor: { userId: ADMIN }, data });
          try {
            if (ID_FIELD.test(field)) expect(valid).toBe(false);
            if (!valid) {
              refused++;
              expectValidationFailed(reply, `data.${field}`);
              expect(await h.store.headPosition()).toBe(headBefore);
            } else {
              taken++;
              if (!reply.ok) {
                expect(reply.error.code).not.toBe('VALIDATION_FAILED');
                expect(await h.store.headPosition()).toBe(headBefore);
              }
            }
          } catch (error) {
            throw new Error(`${type}.${field} = ${JSON.stringify(text)}: ${(error as Error).message}`);
          }
        }
      }
      await expectUntouchedAndAlive(h, await h.store.headPosition(), undefined);
    }
    expect(refused).toBeGreaterThan(1000);
    expect(taken).toBeGreaterThan(0);
  });

  test('section 7: a missing required field, in any command type, is VALIDATION_FAILED naming the field', async () => {
    for (const type of commandTypes) {
      const shape = commandFields[type];
      for (const field of shape) {
        const { [field]: _removed, ...data } = VALID_COMMAND_DATA[type];
        if (commandDataSchemas[type].safeParse(data).success) continue; // optional (or defaulted) field
        const headBefore = await h.store.headPosition();
        const commandId = freshCommandId();
        const reply = await send(h, { commandId, type, actor: { userId: ADMIN }, data });
        try {
          expectValidationFailed(reply);
          await expectUntouchedAndAlive(h, headBefore, commandId);
        } catch (error) {
          throw new Error(`${type} without ${field}: ${(error as Error).message}`);
        }
      }
    }
  });

  test('section 7: an unknown extra field in the data of any command type (a typo such as parentID, or __proto__/constructor) is VALIDATION_FAILED, not silently dropped', async () => {
    await fc.assert(
      fc.asyncProperty(
        commandTypeArb,
        fc.constantFrom('parentID', 'userid', 'extra', 'isAdmin', '__proto__', 'constructor', 'prototype', 'toString'),
        fc.jsonValue({ maxDepth: 2 }),
        async (type, key, value) => {
          const data = JSON.parse(JSON.stringify({ ...VALID_COMMAND_DATA[type] })) as Record<string, unknown>;
          Object.defineProperty(data, key, { value, enumerable: true, configurable: true, writable: true });
          const headBefore = await h.store.headPosition();
          const commandId = freshCommandId();
          const reply = await send(h, { commandId, type, actor: { userId: ADMIN }, data });
          expectValidationFailed(reply);
          await expectUntouchedAndAlive(h, headBefore, commandId);
        },
      ),
      propertyParameters(RUNS.small, 11),
    );
  });

  test('section 7: a certainly-invalid value in a random field of a random command type is VALIDATION_FAILED (property over the same space, random order and combinations)', async () => {
    await fc.assert(
      fc.asyncProperty(
        commandTypeArb.chain((type) =>
          fc.tuple(
            fc.constant(type),
            fc.subarray(commandFields[type], { minLength: 1 }),
            fc.array(certainlyInvalidValue, { minLength: 1, maxLength: 3 }),
          ),
        ),
        async ([type, fields, values]) => {
          const data: Record<string, unknown> = { ...VALID_COMMAND_DATA[type] };
          fields.forEach((field, i) => {
            data[field] = values[i % values.length];
          });
          const headBefore = await h.store.headPosition();
          const commandId = freshCommandId();
          expectValidationFailed(await send(h, { commandId, type, actor: { userId: ADMIN }, data }));
          await expectUntouchedAndAlive(h, headBefore, commandId);
        },
      ),
      propertyParameters(RUNS.hostile, 12),
    );
  });

  test('section 7: hostile envelopes (bad or missing commandId, unknown or hostile type, bad actor, missing data, extra keys, oversized reason/notes/correlationId, not an object at all) are VALIDATION_FAILED', async () => {
    const envelopeBreakers: fc.Arbitrary<{ what: string; envelope: unknown }> = fc.oneof(
      fc.tuple(fc.constantFrom(...ENVELOPE_FIELDS), certainlyInvalidValue).map(([field, value]) => ({
        what: `${field} = hostile`,
        envelope: {
          commandId: freshCommandId(),
          type: 'AssignCourse',
          actor: { userId: ADMIN },
          data: VALID_COMMAND_DATA.AssignCourse,
          [field]: value,
        },
      })),
      // Free text (reason, notes, correlationId) may carry such text; a command id, a type and an actor may not.
      fc.tuple(fc.constantFrom('commandId', 'type', 'actor'), injectionText).map(([field, value]) => ({
        what: `${field} = ${JSON.stringify(value)}`,
        envelope: {
          commandId: freshCommandId(),
          type: 'AssignCourse',
          actor: { userId: ADMIN },
          data: VALID_COMMAND_DATA.AssignCourse,
          [field]: value,
        },
      })),
      fc.constantFrom('commandId', 'type', 'actor').map((field) => {
        const envelope: Record<string, unknown> = {
          commandId: freshCommandId(),
          type: 'AssignCourse',
          actor: { userId: ADMIN },
          data: VALID_COMMAND_DATA.AssignCourse,
        };
        delete envelope[field];
        return { what: `without ${field}`, envelope };
      }),
      fc.constant(null).map(() => ({
        what: 'without data',
        envelope: { commandId: freshCommandId(), type: 'DeactivateUser', actor: { userId: ADMIN } },
      })),
      fc.tuple(fc.constantFrom('commandId', 'type', 'actor'), confusedValue).map(([field, value]) => ({
        what: `${field} = ${typeof value}`,
        envelope: {
          commandId: freshCommandId(),
          type: 'AssignCourse',
          actor: { userId: ADMIN },
          data: VALID_COMMAND_DATA.AssignCourse,
          [field]: field === 'actor' ? { userId: value } : value,
        },
      })),
      fc
        .tuple(fc.constantFrom('__proto__', 'constructor', 'isAdmin', 'position'), fc.jsonValue({ maxDepth: 2 }))
        .map(([key, value]) => {
          const envelope: Record<string, unknown> = {
            commandId: freshCommandId(),
            type: 'AssignCourse',
            actor: { userId: ADMIN },
            data: VALID_COMMAND_DATA.AssignCourse,
          };
          Object.defineProperty(envelope, key, { value, enumerable: true, configurable: true, writable: true });
          return { what: `extra key ${key}`, envelope };
        }),
      fc.constantFrom('actor', 'reason', 'notes', 'correlationId').map((field) => ({
        what: `oversized ${field}`,
        envelope: {
          commandId: freshCommandId(),
          type: 'AssignCourse',
          actor: field === 'actor' ? { userId: ADMIN, role: 'admin' } : { userId: ADMIN },
          data: VALID_COMMAND_DATA.AssignCourse,
          [field === 'actor' ? 'reason' : field]:
            field === 'reason'
              ? 'r'.repeat(2001)
              : field === 'notes'
                ? 'n'.repeat(4001)
                : field === 'correlationId'
                  ? 'c'.repeat(129)
                  : 'fine',
        },
      })),
      fc.constantFrom('', '   ').map((reason) => ({
        what: 'blank reason',
        envelope: {
          commandId: freshCommandId(),
          type: 'AssignCourse',
          actor: { userId: ADMIN },
          data: VALID_COMMAND_DATA.AssignCourse,
          reason,
        },
      })),
      fc
        .oneof(certainlyInvalidValue, confusedValue, randomBytesText)
        .map((envelope) => ({ what: 'not an envelope', envelope })),
    );
    await fc.assert(
      fc.asyncProperty(envelopeBreakers, async ({ what, envelope }) => {
        const headBefore = await h.store.headPosition();
        const reply = await send(h, envelope);
        try {
          expectValidationFailed(reply);
          const sentId = (envelope as { commandId?: unknown } | null)?.commandId;
          expect(reply.ok === false && reply.commandId).toBe(typeof sentId === 'string' ? sentId : null);
          await expectUntouchedAndAlive(h, headBefore, sentId);
        } catch (error) {
          throw new Error(`${what}: ${(error as Error).message}`);
        }
      }),
      propertyParameters(RUNS.hostile, 13),
    );
  });

  test('section 7: random bytes through the transport decoder are refused before or by the engine (VALIDATION_FAILED), never stored', async () => {
    const payloads = fc.oneof(
      fc.uint8Array({ minLength: 0, maxLength: 256 }),
      fc.string({ unit: 'binary', maxLength: 256 }).map((text) => new TextEncoder().encode(text)),
      fc.jsonValue({ maxDepth: 4 }).map((value) => new TextEncoder().encode(JSON.stringify(value))),
      fc.constantFrom(...INJECTIONS).map((text) => new TextEncoder().encode(text)),
    );
    let decoded = 0;
    await fc.assert(
      fc.asyncProperty(payloads, async (bytes) => {
        const headBefore = await h.store.headPosition();
        const result = decodeJson(bytes, 1024 * 1024);
        if (!result.ok) {
          expect(result.message).toMatch(/payload/);
          return;
        }
        decoded++;
        expectValidationFailed(await send(h, result.value));
        await expectUntouchedAndAlive(h, headBefore, undefined);
      }),
      propertyParameters(RUNS.small, 14),
    );
    expect(decoded).toBeGreaterThan(0);
  });
});

describe('R28: payload bytes are strict UTF-8 JSON without duplicate keys', () => {
  test('R28: property: whatever the bytes, a payload the decoder accepts is exactly its UTF-8 text (nothing replaced by U+FFFD)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.jsonValue({ maxDepth: 2 }), (noise, value) => {
        const json = new TextEncoder().encode(JSON.stringify({ note: '@', value }));
        const at = json.indexOf(0x40);
        const bytes = new Uint8Array([
          ...json.subarray(0, at),
          ...noise.filter((b) => b >= 0x20),
          ...json.subarray(at + 1),
        ]);
        const result = decodeJson(bytes, 1024 * 1024);
        let strict: string | undefined;
        try {
          strict = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          strict = undefined;
        }
        if (strict === undefined)
          expect(result).toMatchObject({ ok: false, message: expect.stringMatching(/not valid UTF-8/) });
        else if (result.ok) expect(result.value).toEqual(JSON.parse(strict));
      }),
      propertyParameters(RUNS.hostile, 21),
    );
  });

  test('R28: property: an object naming a key twice, at any depth, is refused with the key named', () => {
    const key = fc.string({ minLength: 1, maxLength: 8 }).filter((text) => !text.includes('"') && !text.includes('\\'));
    fc.assert(
      fc.property(
        key,
        fc.jsonValue({ maxDepth: 2 }),
        fc.jsonValue({ maxDepth: 2 }),
        fc.nat(3),
        (name, first, second, depth) => {
          let text = `{${JSON.stringify(name)}:${JSON.stringify(first)},${JSON.stringify(name)}:${JSON.stringify(second)}}`;
          for (let level = 0; level < depth; level++) text = `{"level${level}":${text}}`;
          const result = decodeJson(new TextEncoder().encode(text), 1024 * 1024);
          expect(result).toMatchObject({
            ok: false,
            message: expect.stringContaining(`names the key ${JSON.stringify(name)} twice`),
          });
        },
      ),
      propertyParameters(RUNS.hostile, 22),
    );
  });
});

describe('section 7: type-confused and injection-looking values, judged by the schema', () => {
  test('a confused value in any field of any command type: VALIDATION_FAILED with nothing appended exactly when zod refuses it; otherwise handled (ok or a domain refusal), never thrown; ids never accept injection text', async () => {
    let accepted = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(
        commandTypeArb.chain((type) =>
          fc.tuple(fc.constant(type), fc.constantFrom(...commandFields[type]), confusedValue),
        ),
        async ([type, field, value]) => {
          const h = await hostilePortal();
          try {
            const data: Record<string, unknown> = { ...VALID_COMMAND_DATA[type], [field]: value };
            if (value === undefined) delete data[field];
            const valid = commandDataSchemas[type].safeParse(data).success;
            if (ID_FIELD.test(field) && typeof value === 'string' && NOT_IN_AN_ID.test(value))
              expect({ type, field, value, valid }).toEqual({ type, field, value, valid: false });
            const headBefore = await h.store.headPosition();
            const reply = await send(h, { commandId: freshCommandId(), type, actor: { userId: ADMIN }, data });
            if (!valid) {
              refused++;
              expectValidationFailed(reply);
              await expectUntouchedAndAlive(h, headBefore, undefined);
            } else {
              accepted++;
              if (!reply.ok) {
                expect(reply.error.code).not.toBe('VALIDATION_FAILED');
                expect(await h.store.headPosition()).toBe(headBefore);
              }
              const next = await h.send('DefineOrgUnit', { orgUnitId: 'ou-alive', name: 'Alive', parentId: 'acme' });
              expect(next.ok).toBe(true);
            }
          } finally {
            await h.store.close();
            h.readModels.close();
          }
        },
      ),
      propertyParameters(RUNS.hostile, 15),
    );
    // Both sides of the oracle were exercised.
    expect(accepted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});

// --- queries ---------------------------------------------------------------------------------------

describe('section 7: hostile queries get VALIDATION_FAILED with zod issues and change nothing', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await hostilePortal();
  });
  afterAll(async () => {
    await h.store.close();
    h.readModels.close();
  });
  afterEach(expectNoPrototypePollution);

  const query = (envelope: unknown) => h.engine.query(envelope);

  test('every valid base query is answered (the baseline)', async () => {
    for (const type of queryNames) {
      const reply = await query({ type, actor: { userId: ADMIN }, params: VALID_QUERY_PARAMS[type] });
      expect({ type, ok: reply.ok }).toEqual({ type, ok: true });
    }
  });

  test(`every parameter of every query (${queryNames.length} queries) × every certainly-invalid value`, async () => {
    for (const type of queryNames) {
      for (const field of queryFields[type]) {
        for (const kind of CERTAINLY_INVALID_KINDS) {
          const headBefore = await h.store.headPosition();
          const reply = await query({
            type,
            actor: { userId: ADMIN },
            params: { ...VALID_QUERY_PARAMS[type], [field]: certainlyInvalid(kind) },
          });
          try {
            expectValidationFailed(reply, `params.${field}`);
            expect(await h.store.headPosition()).toBe(headBefore);
          } catch (error) {
            throw new Error(`${type}.${field} = ${kind}: ${(error as Error).message}`);
          }
        }
      }
    }
  });

  test('injection-looking text in every parameter of every query: ids, enums, numbers, booleans and instants refuse it with VALIDATION_FAILED; text filters match it literally (nothing or only that text)', async () => {
    for (const type of queryNames) {
      for (const field of queryFields[type]) {
        for (const text of INJECTIONS) {
          const params = { ...VALID_QUERY_PARAMS[type], [field]: text };
          const valid = queryParamSchemas[type].safeParse(params).success;
          const reply = await query({ type, actor: { userId: ADMIN }, params });
          try {
            if (ID_FIELD.test(field)) expect(valid).toBe(false);
            if (!valid) expectValidationFailed(reply, `params.${field}`);
            else if (!reply.ok) expect(['NOT_FOUND', 'FORBIDDEN']).toContain(reply.error.code);
            // No seeded user, department or role contains these texts: a literal filter finds nothing. (A NUL in a
            // search text is the subject of its own test below.)
            else if (
              ['SearchUsers', 'MiReport'].includes(type) &&
              ['text', 'department', 'role'].includes(field) &&
              !text.includes('\u0000')
            )
              expect(reply.result).toEqual([]);
          } catch (error) {
            throw new Error(`${type}.${field} = ${JSON.stringify(text)}: ${(error as Error).message}`);
          }
        }
      }
    }
  });

  test('hostile query envelopes (unknown or hostile type, bad actor, params not an object, bad minPosition, extra keys) and unknown extra parameters are VALIDATION_FAILED', async () => {
    const breakers: fc.Arbitrary<{ what: string; envelope: unknown }> = fc.oneof(
      fc
        .tuple(queryNameArb, fc.constantFrom(...QUERY_ENVELOPE_FIELDS), certainlyInvalidValue)
        .map(([type, field, value]) => ({
          what: `${type} ${field} = hostile`,
          envelope: { type, actor: { userId: ADMIN }, params: VALID_QUERY_PARAMS[type], [field]: value },
        })),
      fc
        .tuple(
          queryNameArb,
          injectionText.filter((text) => text !== ''),
        )
        .map(([type, text]) => ({
          what: `${type} type = ${JSON.stringify(text)}`,
          envelope: { type: `${type}${text}`, actor: { userId: ADMIN }, params: VALID_QUERY_PARAMS[type] },
        })),
      fc.tuple(queryNameArb, fc.oneof(injectionText, fc.constant(''))).map(([type, text]) => ({
        what: `${type} actor = ${JSON.stringify(text)}`,
        envelope: { type, actor: { userId: text }, params: VALID_QUERY_PARAMS[type] },
      })),
      fc
        .tuple(queryNameArb, fc.constantFrom<unknown>(-1, 1.5, '5', Number.NaN, Number.POSITIVE_INFINITY, null))
        .map(([type, minPosition]) => ({
          what: `${type} minPosition = ${String(minPosition)}`,
          envelope: { type, actor: { userId: ADMIN }, params: VALID_QUERY_PARAMS[type], minPosition },
        })),
      fc
        .tuple(queryNameArb, fc.constantFrom('__proto__', 'constructor', 'sql', 'where', 'orderBy'))
        .map(([type, key]) => {
          const params = JSON.parse(JSON.stringify(VALID_QUERY_PARAMS[type])) as Record<string, unknown>;
          Object.defineProperty(params, key, {
            value: '1=1; DROP TABLE users',
            enumerable: true,
            configurable: true,
            writable: true,
          });
          return { what: `${type} extra param ${key}`, envelope: { type, actor: { userId: ADMIN }, params } };
        }),
      fc.tuple(queryNameArb, fc.oneof(injectionText, fc.constant([]), fc.constant(7))).map(([type, params]) => ({
        what: `${type} params = ${JSON.stringify(params)}`,
        envelope: { type, actor: { userId: ADMIN }, params },
      })),
      fc
        .oneof(certainlyInvalidValue, confusedValue, randomBytesText)
        .map((envelope) => ({ what: 'not an envelope', envelope })),
    );
    await fc.assert(
      fc.asyncProperty(breakers, async ({ what, envelope }) => {
        const headBefore = await h.store.headPosition();
        try {
          expectValidationFailed(await query(envelope));
          expect(await h.store.headPosition()).toBe(headBefore);
        } catch (error) {
          throw new Error(`${what}: ${(error as Error).message}`);
        }
      }),
      propertyParameters(RUNS.hostile, 16),
    );
  });

  test('a confused value in any query parameter: VALIDATION_FAILED exactly when zod refuses it; otherwise answered or refused with a domain code, never thrown', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Queries without parameters (Groups) have no field to confuse.
        queryNameArb
          .filter((type) => queryFields[type].length > 0)
          .chain((type) => fc.tuple(fc.constant(type), fc.constantFrom(...queryFields[type]), confusedValue)),
        async ([type, field, value]) => {
          const params: Record<string, unknown> = { ...VALID_QUERY_PARAMS[type], [field]: value };
          if (value === undefined) delete params[field];
          const valid = queryParamSchemas[type as QueryName].safeParse(params).success;
          const reply = await query({ type, actor: { userId: ADMIN }, params });
          if (!valid) expectValidationFailed(reply, `params.${field}`);
          else if (!reply.ok) expect(['NOT_FOUND', 'FORBIDDEN']).toContain(reply.error.code);
        },
      ),
      propertyParameters(RUNS.hostile, 17),
    );
  });
});

// --- injection-looking text where it is valid ----------------------------------------------------

describe('injection-looking text in valid fields is stored and queried literally (SQL binds parameters)', () => {
  const asciiLower = (text: string) => text.replace(/[A-Z]/g, (letter) => letter.toLowerCase());

  test('users named with injection text are registered as is; SearchUsers with a name (or any piece of it) finds exactly the users whose name or email contains it; the store and read models stay whole', async () => {
    const nameArb = fc
      .tuple(
        fc.string({ unit: 'grapheme-ascii', maxLength: 6 }),
        injectionText,
        fc.string({ unit: 'grapheme', maxLength: 6 }),
      )
      .map(([before, injection, after]) => `${before}${injection}${after}`.trim())
      .filter((name) => name.length > 0 && isWellFormed(name) && !name.includes('\u0000'));
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(nameArb, fc.nat(), fc.nat()), { minLength: 1, maxLength: 4 }),
        async (people) => {
          const h = await hostilePortal();
          try {
            const users = new Map<string, { name: string; email: string }>();
            for (const [userId, user] of h.commands.referenceData.users)
              users.set(userId, { name: user.name, email: user.email });
            for (const [i, [name]] of people.entries()) {
              const userId = `lit-${i}`;
              const department = name.slice(0, 200).trim();
              const registered = await h.send('RegisterUser', {
                userId,
                name,
                email: `${userId}@acme.test`,
                orgUnitId: 'acme',
                department,
                hireDate: '2026-01-05',
              });
              if (!registered.ok)
                throw new Error(`RegisterUser refused ${JSON.stringify(name)}: ${registered.error.message}`);
              users.set(userId, { name, email: `${userId}@acme.test` });
              // Stored literally: the event holds the very string.
              expect((await h.store.readStream(`user-${userId}`))[0]?.data).toMatchObject({ name, department });
            }
            for (const [i, [name, from, length]] of people.entries()) {
              // A piece of whole code points (half a surrogate pair is not text anyone searches for).
              const points = Array.from(name);
              const start = from % points.length;
              const piece = points.slice(start, start + 1 + (length % (points.length - start))).join('');
              for (const text of [name.slice(0, 200), piece]) {
                const trimmed = text.trim();
                if (trimmed.length === 0) continue;
                const found = (await h.query<{ userId: string; name: string }[]>('SearchUsers', { text, limit: 1000 }))
                  .map((row) => row.userId)
                  .sort();
                const expected = [...users]
                  .filter(
                    ([, user]) =>
                      asciiLower(user.name).includes(asciiLower(trimmed)) ||
                      asciiLower(user.email).includes(asciiLower(trimmed)),
                  )
                  .map(([id]) => id)
                  .sort();
                expect({ text, found }).toEqual({ text, found: expected });
              }
              // An exact-match filter with the injection text matches that department, not every row.
              const byDepartment = await h.query<{ userId: string; name: string }[]>('SearchUsers', {
                department: name.slice(0, 200).trim(),
                limit: 1000,
              });
              expect(byDepartment.find((row) => row.userId === `lit-${i}`)?.name).toBe(name);
              expect(byDepartment.length).toBeLessThan(users.size);
            }
            // The tables the injection text names are all still there and whole.
            expect((await h.query<{ userId: string }[]>('SearchUsers', { limit: 1000 })).length).toBe(users.size);
            expect((await h.store.readAll(0, 100_000)).length).toBe(await h.store.headPosition());
          } finally {
            await h.store.close();
            h.readModels.close();
          }
        },
      ),
      propertyParameters(RUNS.literal, 18),
    );
  });

  test('injection text as an exemption reason, a course title and a MiReport/MiSummary filter is stored and matched literally', async () => {
    const h = await hostilePortal();
    try {
      // Control characters (a NUL, an escape) are refused in text fields; see the NUL test below.
      for (const text of INJECTIONS.filter(
        (candidate) => candidate.trim().length > 0 && isWellFormed(candidate) && !hasControlCharacter(candidate),
      )) {
        await h.ok('ExemptUser', { userId: 'u1', courseId: 'c-std', reason: text });
        const exemptions = await h.query<{ reason: string | null }[]>('UserExemptions', { userId: 'u1' });
        expect(exemptions.map((row) => row.reason)).toEqual([text.trim()]);
        await h.ok('RemoveExemption', { userId: 'u1', courseId: 'c-std' });
        const rows = await h.query<unknown[]>('MiReport', { department: text, limit: 10_000 });
        expect(rows).toEqual([]);
        const summary = await h.query<unknown[]>('MiSummary', { groupBy: 'department' });
        expect(summary.length).toBeGreaterThan(0);
      }
      await h.ok('CreateCourse', {
        courseId: 'c-inj',
        title: INJECTIONS[0],
        kind: 'course',
        provider: INJECTIONS[2],
        trainingType: INJECTIONS[5],
      });
      await h.ok('AssignCourse', { userIds: ['u2'], courseIds: ['c-inj'] });
      const dashboard = await h.query<{ courseId: string; title: string }[]>('UserDashboard', { userId: 'u2' });
      expect(dashboard.find((row) => row.courseId === 'c-inj')?.title).toBe(INJECTIONS[0]);
    } finally {
      await h.store.close();
      h.readModels.close();
    }
  });

  test('ill-formed UTF-16 (a lone surrogate, which JSON can carry as "\\ud800") in a valid text field is either refused with VALIDATION_FAILED or stored and read back literally', async () => {
    const h = await hostilePortal();
    try {
      const cases: {
        field: string;
        send: (text: string) => Promise<CommandReply>;
        readBack: () => Promise<unknown>;
      }[] = [
        {
          field: 'RegisterUser.name',
          send: (text) =>
            h.send('RegisterUser', {
              userId: 'lone',
              name: `Lone ${text}`,
              email: 'lone@acme.test',
              orgUnitId: 'acme',
              hireDate: '2026-01-05',
            }),
          readBack: async () =>
            (await h.query<{ userId: string; name: string }[]>('SearchUsers', { text: 'Lone', limit: 10 })).find(
              (row) => row.userId === 'lone',
            )?.name,
        },
        {
          field: 'ExemptUser.reason',
          send: (text) => h.send('ExemptUser', { userId: 'u1', courseId: 'c-std', reason: `Plan ${text}` }),
          readBack: async () =>
            (await h.query<{ reason: string | null }[]>('UserExemptions', { userId: 'u1' }))[0]?.reason,
        },
      ];
      const outcomes: string[] = [];
      for (const { field, send: sendText, readBack } of cases) {
        for (const text of ['\uD800', '\uDFFF', 'a\uDC00b']) {
          const reply = await sendText(text);
          if (!reply.ok) {
            if (reply.error.code !== 'VALIDATION_FAILED')
              outcomes.push(
                `${field} = ${JSON.stringify(text)}: refused with ${reply.error.code}, not VALIDATION_FAILED`,
              );
            continue;
          }
          const stored = await readBack();
          const expected = field === 'RegisterUser.name' ? `Lone ${text}` : `Plan ${text}`;
          if (stored !== expected)
            outcomes.push(
              `${field} = ${JSON.stringify(text)}: accepted, the event holds ${JSON.stringify(expected)} but the read model gives back ${JSON.stringify(stored)}`,
            );
          break;
        }
      }
      expect(outcomes).toEqual([]);
    } finally {
      await h.store.close();
      h.readModels.close();
    }
  });

  test('a NUL or another control character in a search text or a name is refused with VALIDATION_FAILED (a NUL would end an SQL LIKE pattern and widen the search)', async () => {
    const h = await hostilePortal();
    try {
      const head = await h.store.headPosition();
      const register = await h.send('RegisterUser', {
        userId: 'nul',
        name: 'Nul\u0000Byte',
        email: 'nul@acme.test',
        orgUnitId: 'acme',
        hireDate: '2026-01-05',
      });
      expect(register).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION_FAILED', message: expect.stringContaining('control characters are not allowed') },
      });
      expect(await h.store.headPosition()).toBe(head);
      for (const text of [
        '\u0000',
        'Nul\u0000',
        '\u0000Byte',
        'zzz\u0000',
        'Uma\u0000zzz',
        'tab\there',
        '\u001b[31m',
      ]) {
        const reply = await h.engine.query({
          type: 'SearchUsers',
          actor: { userId: ADMIN },
          params: { text, limit: 1000 },
        });
        expect([text, reply.ok ? 'answered' : reply.error.code]).toEqual([text, 'VALIDATION_FAILED']);
      }
    } finally {
      await h.store.close();
      h.readModels.close();
    }
  });
});

/** C0 controls and DEL: refused in every text field (domain/shared/primitives.ts textSchema). */
function hasControlCharacter(text: string): boolean {
  return [...text].some((character) => {
    const code = character.charCodeAt(0);
    return code < 0x20 || code === 0x7f;
  });
}
