import type { SourceView } from '../domain/queryResults/userViewResults';
import type { SourceKind } from '../domain/userTraining/assignmentSource';
import { sourceLabel } from '../domain/userTraining/assignmentSource';
import type { SourceState } from '../domain/userTraining/trainingState';

/** What the column keeps of a source. */
type StoredFields = Pick<SourceState, 'kind' | 'groupName' | 'ruleId' | 'assignedOn' | 'exempt'> & {
  exemption: { until?: string } | null;
};

/** One source as the column stores it: kind, group name, rule, assigned on, exempt (1) or not (0), exempt until. */
type StoredSource =
  | [SourceKind, string | null, string | null, string, 0 | 1]
  | [SourceKind, string | null, string | null, string, 0 | 1, string];

/**
 * The assignment row's `sources` column: each source as a JSON array of its values, its label made again on reading.
 * Issue #19: as objects with their keys and labels the sources were half of a row's bytes, and a rebuild writes a
 * million rows.
 */
export function sourcesColumn(sources: readonly StoredFields[]): string {
  return JSON.stringify(
    sources.map((source): StoredSource => {
      const stored: StoredSource = [
        source.kind,
        source.groupName,
        source.ruleId,
        source.assignedOn,
        source.exempt ? 1 : 0,
      ];
      return source.exemption?.until ? [...stored, source.exemption.until] : stored;
    }),
  );
}

/** The sources a stored column holds, as queries show them (R6: the end of an exemption only when it has one). */
export function sourceViews(column: string): SourceView[] {
  return (JSON.parse(column) as StoredSource[]).map(([kind, groupName, ruleId, assignedOn, exempt, until]) => ({
    kind,
    label: sourceLabel({ kind, groupName }),
    ruleId,
    assignedOn,
    exempt: exempt === 1,
    ...(until ? { exemptUntil: until } : {}),
  }));
}

/** The source of one rule in a stored column (null: no row beside it). */
export function ruleSourceView(column: string | null, ruleId: string): SourceView | undefined {
  return column === null ? undefined : sourceViews(column).find((source) => source.ruleId === ruleId);
}
