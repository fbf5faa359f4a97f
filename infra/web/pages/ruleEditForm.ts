import type { AssignmentRuleView } from '../../../domain/queryResults/assignmentRuleResults';
import { type Html, html } from '../html';
import { selectInput, textInput } from './pageParts';
import type { PreviewAction, RuleFormValues } from './ruleForm';
import { dueFields, dueOf } from './ruleForm';

/**
 * Changing a rule from its Assignment Summary (UpdateAssignmentRule): its name, due rule, required flag, dynamic
 * re-assignment and upgrade-to-latest, previewed first (dryRun, R25: the reply's message and counts), then saved with
 * exactly the fields previewed. Target, course and mode cannot change (a new rule does that).
 */
export const EDIT_FIELDS = [
  'name',
  'dueKind',
  'dueDays',
  'dueDate',
  'required',
  'dynamicReassignment',
  'upgradeToLatestVersion',
] as const;

const onOff = [
  ['true', 'On'],
  ['false', 'Off'],
] as const;

/** The rule's settings now, as the edit form shows them. */
export function editValuesOf(rule: AssignmentRuleView): RuleFormValues {
  return {
    name: rule.name,
    dueKind: rule.due.kind,
    dueDays: rule.due.kind === 'relative' ? String(rule.due.days) : '28',
    dueDate: rule.due.kind === 'fixed' ? rule.due.date : '',
    required: String(rule.required),
    dynamicReassignment: String(rule.dynamicReassignment),
    upgradeToLatestVersion: String(rule.upgradeToLatestVersion),
  };
}

export function editValues(body: Record<string, unknown>): RuleFormValues {
  const values: RuleFormValues = {};
  for (const field of EDIT_FIELDS) {
    const value = body[field];
    if (typeof value === 'string') values[field] = value.trim();
  }
  return values;
}

const flag = (text: string | undefined) => (text === 'true' ? true : text === 'false' ? false : undefined);

/** The UpdateAssignmentRule data: every setting the form holds (the engine says which ones change). */
export function updateData(ruleId: string, values: RuleFormValues): Record<string, unknown> {
  const settings = {
    required: flag(values.required),
    dynamicReassignment: flag(values.dynamicReassignment),
    upgradeToLatestVersion: flag(values.upgradeToLatestVersion),
  };
  return {
    ruleId,
    ...(values.name ? { name: values.name } : {}),
    due: dueOf(values),
    ...Object.fromEntries(Object.entries(settings).filter(([, value]) => value !== undefined)),
  };
}

/** Where the preview's "Save changes" posts the fields previewed. */
export function saveChanges(ruleId: string): PreviewAction {
  return { action: `/rules/${encodeURIComponent(ruleId)}/update`, fields: EDIT_FIELDS, button: 'Save changes' };
}

/** The edit form, open after a preview (the panel above it), closed otherwise. */
export function ruleEditForm(ruleId: string, values: RuleFormValues, csrf: string, open: boolean): Html {
  return html`<details class="panel edit" id="edit"${open ? html` open` : ''}><summary>Change this rule</summary>
    <form method="post" action="/rules/${encodeURIComponent(ruleId)}/preview#preview" class="stack rule-form" aria-label="Change this rule">
      <input type="hidden" name="_csrf" value="${csrf}">
      ${textInput('name', 'Name', values.name)}
      ${dueFields(values)}
      ${selectInput(
        'required',
        'Required',
        [
          ['true', 'Yes'],
          ['false', 'No'],
        ],
        values.required,
      )}
      ${selectInput('dynamicReassignment', 'Dynamic re-assignment', onOff, values.dynamicReassignment)}
      ${selectInput('upgradeToLatestVersion', 'Upgrade users to latest version', onOff, values.upgradeToLatestVersion)}
      <p><button type="submit">Preview changes</button></p>
    </form></details>`;
}
