import type { CommandEffects } from '../../../handlers/ports/reply';
import { type Html, html } from '../html';
import { selectInput, textInput } from './pageParts';

/**
 * The new-rule form and its preview (R25): the form's fields as CreateAssignmentRule data, and the preview's counts
 * (users gaining, losing, upgraded, exempted, outside the actor's scope; events by type).
 */
export type RuleFormValues = Record<string, string>;

export const RULE_FIELDS = [
  'ruleId',
  'name',
  'courseId',
  'targetKind',
  'groupId',
  'mode',
  'dueKind',
  'dueDays',
  'dueDate',
  'dynamicReassignment',
  'upgradeToLatestVersion',
] as const;

export function ruleFormValues(body: Record<string, unknown>): RuleFormValues {
  const values: RuleFormValues = {};
  for (const field of RULE_FIELDS) {
    const value = body[field];
    if (typeof value === 'string') values[field] = value.trim();
  }
  return values;
}

const flag = (text: string | undefined) => (text === 'true' ? true : text === 'false' ? false : undefined);

/** The due rule the form's due fields describe. */
export function dueOf(values: RuleFormValues): Record<string, unknown> {
  return values.dueKind === 'relative'
    ? { kind: 'relative', days: Number(values.dueDays) }
    : values.dueKind === 'fixed'
      ? { kind: 'fixed', date: values.dueDate ?? '' }
      : { kind: 'none' };
}

/** The due fields of the new-rule and edit forms: the kind, then the days or the date it needs. */
export function dueFields(values: RuleFormValues): Html {
  return html`${selectInput(
    'dueKind',
    'Due date',
    [
      ['relative', 'Days after assignment'],
      ['fixed', 'A fixed date'],
      ['none', 'No due date'],
    ],
    values.dueKind ?? 'relative',
  )}
    ${textInput('dueDays', 'Days (for days after assignment)', values.dueDays ?? '28', 'number')}
    ${textInput('dueDate', 'Date (for a fixed date)', values.dueDate, 'date')}`;
}

/** The CreateAssignmentRule data the form describes; the engine validates it (a bad field is VALIDATION_FAILED). */
export function ruleData(values: RuleFormValues): Record<string, unknown> {
  const target =
    values.targetKind === 'group'
      ? { kind: 'group', groupId: values.groupId ?? '' }
      : { kind: values.targetKind ?? '' };
  const due = dueOf(values);
  const dynamicReassignment = flag(values.dynamicReassignment);
  const upgradeToLatestVersion = flag(values.upgradeToLatestVersion);
  return {
    ruleId: values.ruleId ?? '',
    ...(values.name ? { name: values.name } : {}),
    courseId: values.courseId ?? '',
    target,
    mode: values.mode ?? 'standard',
    due,
    ...(dynamicReassignment !== undefined ? { dynamicReassignment } : {}),
    ...(upgradeToLatestVersion !== undefined ? { upgradeToLatestVersion } : {}),
  };
}

type Options = readonly (readonly [string, string])[];

export function ruleForm(values: RuleFormValues, courses: Options, groups: Options, csrf: string): Html {
  const defaults = [
    ['', 'Portal default'],
    ['true', 'On'],
    ['false', 'Off'],
  ] as const;
  return html`<form method="post" action="/rules/preview" class="stack rule-form" aria-label="New assignment rule">
    <input type="hidden" name="_csrf" value="${csrf}">
    ${textInput('ruleId', 'Rule id', values.ruleId)}
    ${textInput('name', 'Name (optional)', values.name)}
    ${courses.length ? selectInput('courseId', 'Course', courses, values.courseId) : textInput('courseId', 'Course id', values.courseId)}
    ${selectInput(
      'targetKind',
      'Target',
      [
        ['group', 'A group'],
        ['allUsers', 'All users (mandatory)'],
        ['newStarters', 'New starters'],
      ],
      values.targetKind,
    )}
    ${groups.length ? selectInput('groupId', 'Group (for a group target)', [['', '—'], ...groups], values.groupId) : textInput('groupId', 'Group id (for a group target)', values.groupId)}
    ${selectInput(
      'mode',
      'Mode',
      [
        ['standard', 'Standard (one-time)'],
        ['dynamic', 'Dynamic (continuous)'],
      ],
      values.mode,
    )}
    ${dueFields(values)}
    ${selectInput('dynamicReassignment', 'Dynamic re-assignment', defaults, values.dynamicReassignment)}
    ${selectInput('upgradeToLatestVersion', 'Upgrade users to latest version', defaults, values.upgradeToLatestVersion)}
    <p><button type="submit">Preview</button></p>
  </form>`;
}

/** Where the preview's button sends exactly the fields previewed: creating the rule, or saving its changes. */
export interface PreviewAction {
  action: string;
  fields: readonly string[];
  button: string;
}

const CREATE: PreviewAction = { action: '/rules/create', fields: RULE_FIELDS, button: 'Create rule' };

/** The preview's reply message and counts, and a button that does what was previewed with exactly those fields. */
export function previewPanel(
  values: RuleFormValues,
  effects: CommandEffects | undefined,
  message: string,
  csrf: string,
  then: PreviewAction = CREATE,
): Html {
  const count = (label: string, affected: { count: number; first: string[] } | undefined) =>
    html`<div><dt>${label}</dt><dd>${affected?.count ?? 0}${affected && affected.first.length ? html` <span class="muted">(${affected.first.slice(0, 5).join(', ')}${affected.count > 5 ? ', …' : ''})</span>` : ''}</dd></div>`;
  const events = Object.entries(effects?.eventCounts ?? {}).map(([type, n]) => html`<li>${type}: ${n}</li>`);
  return html`<section class="panel preview" id="preview" aria-labelledby="preview-heading" role="status">
    <h2 id="preview-heading">Preview: nothing stored yet</h2><p>${message}</p>
    <dl class="figures">${count('Users gaining the training', effects?.gaining)}${count('Users losing it', effects?.losing)}${count('Users upgraded', effects?.upgraded)}${count('Users exempted', effects?.exempted)}${count('Outside your scope (not reached)', effects?.outsideScope)}</dl>
    ${events.length ? html`<h3>Events it would store</h3><ul>${events}</ul>` : ''}
    <form method="post" action="${then.action}"><input type="hidden" name="_csrf" value="${csrf}">
      ${then.fields.map((field) => html`<input type="hidden" name="${field}" value="${values[field] ?? ''}">`)}
      <button type="submit">${then.button}</button></form>
  </section>`;
}
