import { statusWords } from '../domain/policies/versionPolicy';
import type { ReferenceData } from '../domain/referenceData/referenceData';
import { sourceLabel } from '../domain/userTraining/assignmentSource';
import type { TrainingEvent } from '../domain/userTraining/trainingState';
import { describeCompletionCorrection, describeDueDateCorrection, describeRegistration } from './correctionHistoryText';
import { describeExemptionEvent } from './exemptionHistoryText';

const removalText = {
  admin: 'removed by an admin',
  dynamic: 'dynamic removal: the user no longer matches the rule',
  retired: 'the rule was retired',
} as const;

/**
 * Text recorded before reasons were plain words carried the spec rule id, "(R13)": replies and history leave it out
 * (explain, the auditor's view, names the rule on its own).
 */
export const withoutRuleIds = (text: string): string => text.replace(/ \(R\d+(?:, R\d+)*\)/g, '');

/** One line an auditor reads for each training event. */
export function describeTrainingEvent(event: TrainingEvent, referenceData: ReferenceData): string {
  const title = referenceData.courses.get(event.data.courseId)?.title ?? event.data.courseId;
  const due = (dueDate: string | null) => (dueDate ? `, due ${dueDate}` : '');
  switch (event.type) {
    case 'TrainingAssigned':
      return `${title} v${event.data.version} assigned via ${sourceLabel(event.data.source)}${due(event.data.dueDate)}`;
    case 'TrainingReassigned':
      return `${title} assigned again via ${sourceLabel(event.data.source)}, back ${statusWords[event.data.status]} on v${event.data.version} (${withoutRuleIds(event.data.versionReason)})${due(event.data.dueDate)}`;
    case 'AssignmentSourceAdded':
      return `${title}: source ${sourceLabel(event.data.source)} added${due(event.data.dueDate)}`;
    case 'AssignmentSourceRemoved': {
      const rule = referenceData.rules.get(event.data.sourceKey);
      return `${title}: source ${event.data.sourceKey === 'individual' ? 'Individual' : rule ? `"${rule.name}"` : `rule ${event.data.sourceKey}`} removed (${removalText[event.data.cause]})`;
    }
    case 'TrainingUnassigned':
      return `${title} no longer assigned (${removalText[event.data.cause]}); it was ${event.data.status}`;
    case 'DueDateChanged':
      return (
        describeDueDateCorrection(event, title) ??
        `${title} due date ${event.data.previousDueDate ?? 'none'} → ${event.data.dueDate ?? 'none'}${event.data.override ? ' (admin override)' : ''}`
      );
    case 'ExemptionApplied':
    case 'ExemptionRemoved':
    case 'KeptExemptionRemoved':
      return describeExemptionEvent(event, title);
    case 'CourseStarted':
      return describeRegistration(event, title) ?? `${title} started on v${event.data.version}`;
    case 'AssignmentVersionChanged':
      return `${title} v${event.data.previousVersion} → v${event.data.version}: ${withoutRuleIds(event.data.reason)}`;
    case 'ProgressRecorded':
      return `${title} progress ${event.data.progress}%`;
    case 'CourseCompleted':
      return `${title} v${event.data.version} completed on ${event.data.completedOn}${event.data.score === null ? '' : ` with score ${event.data.score}`}${event.data.expiresOn ? `; the completion expires on ${event.data.expiresOn}` : ''}`;
    case 'RecertificationDue':
      return `${title} retake assigned, due ${event.data.dueDate ?? event.data.expiresOn}: the completion expires on ${event.data.expiresOn}`;
    case 'CompletionExpired':
      return `${title} completion expired on ${event.data.expiredOn}${due(event.data.dueDate)}`;
    case 'AssignmentOverdue':
      return `${title} overdue since ${event.data.dueDate}${event.data.escalateTo ? `; ${event.data.escalateTo} told` : ''}`;
    case 'AssignmentDueSoon':
      return `${title} due on ${event.data.dueDate}: reminder ${event.data.daysLeft} day(s) before`;
    case 'CompletionCorrected':
    case 'CompletionRevoked':
      return describeCompletionCorrection(event, title);
  }
}
