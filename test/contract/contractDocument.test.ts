import fs from 'node:fs';
import path from 'node:path';
import { commandTypes } from '../../domain/commands';
import { queryNames } from '../../domain/queries';
import { asyncApiDocument } from '../../infra/contract/asyncApiDocument';
import { contractDocument } from '../../infra/contract/contractDocument';

describe('the published contract (docs/contract) is generated from the zod schemas', () => {
  test('docs/contract/contract.schema.json is up to date: run `npm run contract` after changing a schema', () => {
    const committed = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'contract', 'contract.schema.json'), 'utf8'),
    ) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(contractDocument())));
  });

  test('docs/contract/asyncapi.json is up to date and names every subject: run `npm run contract` after changing a schema', () => {
    const committed = JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'contract', 'asyncapi.json'), 'utf8'),
    ) as { channels: Record<string, unknown> };
    expect(committed).toEqual(JSON.parse(JSON.stringify(asyncApiDocument())));
    const channels = Object.keys(committed.channels);
    for (const type of commandTypes)
      expect(channels).toEqual(expect.arrayContaining([`lms.cmd.${type}`, `lms.intake.${type}`]));
    for (const name of queryNames) expect(channels).toContain(`lms.query.${name}`);
    expect(channels).toEqual(
      expect.arrayContaining([
        'lms.events.TrainingAssigned',
        'lms.events.ExemptionRemoved',
        'lms.results.{commandId}',
        'lms.deadletter.{CommandType}',
      ]),
    );
  });

  test('every command and query of DESIGN.md section 4 is in the contract, by its exact name', () => {
    expect(commandTypes).toEqual([
      'SetAssignmentPreferences',
      'DefineOrgUnit',
      'RegisterUser',
      'UpdateUserProfile',
      'DeactivateUser',
      'CreateCourse',
      'UpgradeVersion',
      'DeactivateCourse',
      'ActivateCourse',
      'CreateGroup',
      'AddGroupMember',
      'RemoveGroupMember',
      'CreateAssignmentRule',
      'UpdateAssignmentRule',
      'RetireAssignmentRule',
      'AssignCourse',
      'UnassignCourse',
      'ChangeDueDate',
      'ExemptUser',
      'RemoveExemption',
      'SaveExemptions',
      'StartCourse',
      'RecordProgress',
      'CompleteCourse',
      'RunScheduledTransitions',
      // Added since the first list (DESIGN.md section 4, R26).
      'CorrectCompletion',
      'RevokeCompletion',
      'ExtendDueDates',
      'GrantPermission',
      'RevokePermission',
    ]);
    expect(queryNames).toEqual([
      'UserDashboard',
      'UserAssignments',
      'UserExemptions',
      'MiReport',
      'MiSummary',
      'MyTeam',
      'SearchUsers',
      'AssignmentHistory',
      'ExplainAssignment',
      'VersionStatus',
      'AssignmentRules',
      'AssignmentSummary',
      'Groups',
      'GroupMembers',
      'Courses',
      'UserProfile',
      'CommandOutcome',
    ]);
  });
});
