import fs from 'node:fs';
import path from 'node:path';
import { commandTypes } from '../../domain/commands';
import { queryNames } from '../../domain/queries';
import { contractDocument } from '../../infra/contract/contractDocument';

describe('the published contract (docs/contract) is generated from the zod schemas', () => {
  test('docs/contract/contract.schema.json is up to date: run `npm run contract` after changing a schema', () => {
    const committed = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'contract', 'contract.schema.json'), 'utf8')) as unknown;
    expect(committed).toEqual(JSON.parse(JSON.stringify(contractDocument())));
  });

  test('every command and query of DESIGN.md section 4 is in the contract, by its exact name', () => {
    expect(commandTypes).toEqual([
      'SetAssignmentPreferences', 'DefineOrgUnit', 'RegisterUser', 'UpdateUserProfile', 'DeactivateUser', 'CreateCourse', 'UpgradeVersion',
      'DeactivateCourse', 'ActivateCourse', 'CreateGroup', 'AddGroupMember', 'RemoveGroupMember', 'CreateAssignmentRule', 'UpdateAssignmentRule',
      'RetireAssignmentRule', 'AssignCourse', 'UnassignCourse', 'ChangeDueDate', 'ExemptUser', 'RemoveExemption', 'SaveExemptions', 'StartCourse',
      'RecordProgress', 'CompleteCourse', 'RunScheduledTransitions', 'GrantPermission', 'RevokePermission',
    ]);
    expect(queryNames).toEqual(['UserDashboard', 'UserAssignments', 'UserExemptions', 'MiReport', 'MiSummary', 'MyTeam', 'SearchUsers', 'AssignmentHistory', 'ExplainAssignment', 'VersionStatus']);
  });
});
