import type { z } from 'zod';
import type { FoundUserSchema } from '../../domain/queryResults/peopleResults';
import type { ExemptionViewRowSchema } from '../../domain/queryResults/userViewResults';
import type { Engine } from '../engine/engine';
import { printQuery } from './queryOutput';
import { renderTable } from './table';

type ExemptionRow = z.infer<typeof ExemptionViewRowSchema>;
type FoundUser = z.infer<typeof FoundUserSchema>;

/** `lms exemptions USER_ID`: the seed's exemptions tick list, one row per rule source, ticked when exempt. */
export function printExemptions(engine: Engine, actorId: string, userId: string, json: boolean): Promise<number> {
  return printQuery<ExemptionRow[]>(engine, { type: 'UserExemptions', actorId, params: { userId }, json }, (rows) =>
    rows.length === 0
      ? `${userId} holds no rule-based training you may see: nothing to exempt.`
      : `Exemptions of ${userId}:\n${renderTable(
          ['exempt', 'course', 'source', 'rule', 'reason', 'by', 'on', 'until'],
          rows.map((row) => [
            row.exempted ? '[x]' : '[ ]',
            row.title,
            row.source,
            row.ruleId,
            row.reason ?? '',
            row.appliedBy ?? '',
            row.appliedAt?.slice(0, 10) ?? '',
            row.until ? `exempt until ${row.until}` : '',
          ]),
        )}`,
  );
}

/** `lms search TEXT`: users by name or e-mail (within the actor's scope), as a table. */
export function printSearch(engine: Engine, actorId: string, text: string, json: boolean): Promise<number> {
  return printQuery<FoundUser[]>(engine, { type: 'SearchUsers', actorId, params: { text }, json }, (users) =>
    users.length === 0
      ? `Nobody you may see matches "${text}".`
      : renderTable(
          ['user', 'name', 'e-mail', 'department', 'role', 'org unit', 'active'],
          users.map((user) => [
            user.userId,
            user.name,
            user.email,
            user.department ?? '',
            user.role ?? '',
            user.orgUnitId,
            user.active ? 'yes' : 'no',
          ]),
        ),
  );
}
