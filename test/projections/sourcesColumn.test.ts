import type { SourceState } from '../../domain/userTraining/trainingState';
import { sourcesColumn, sourceViews } from '../../projections/sourcesColumn';

const source = (overrides: Partial<SourceState>): SourceState => ({
  kind: 'individual',
  ruleId: null,
  groupId: null,
  groupName: null,
  due: { kind: 'none' },
  anchorDate: '2026-03-02',
  assignedOn: '2026-03-02',
  assignedBy: 'admin',
  required: true,
  dynamic: false,
  dynamicReassignment: false,
  upgradeToLatestVersion: false,
  exempt: false,
  exemption: null,
  ...overrides,
});

describe("issue #19: an assignment row's sources stored as arrays of values, shown as before", () => {
  test('R1, R6, R7: each kind of source reads back with the label the LMS gives it, an exemption with its end day', () => {
    const sources = [
      source({}),
      source({
        kind: 'group',
        ruleId: 'r-eng',
        groupId: 'engineering',
        groupName: 'Engineering',
        exempt: true,
        exemption: {
          reason: 'On leave',
          appliedBy: 'admin',
          appliedAt: '2026-03-03T09:00:00.000Z',
          until: '2026-06-01',
        },
      }),
      source({ kind: 'mandatory', ruleId: 'r-all', assignedOn: '2026-03-04' }),
      source({
        kind: 'newStarter',
        ruleId: 'r-new',
        exempt: true,
        exemption: { reason: 'Done elsewhere', appliedBy: 'admin', appliedAt: '2026-03-05T09:00:00.000Z' },
      }),
    ];

    expect(sourceViews(sourcesColumn(sources))).toEqual([
      { kind: 'individual', label: 'Individual', ruleId: null, assignedOn: '2026-03-02', exempt: false },
      {
        kind: 'group',
        label: 'Group: Engineering',
        ruleId: 'r-eng',
        assignedOn: '2026-03-02',
        exempt: true,
        exemptUntil: '2026-06-01',
      },
      { kind: 'mandatory', label: 'Mandatory', ruleId: 'r-all', assignedOn: '2026-03-04', exempt: false },
      {
        kind: 'newStarter',
        label: 'Default for New Starters',
        ruleId: 'r-new',
        assignedOn: '2026-03-02',
        exempt: true,
      },
    ]);
  });

  test('the stored text holds neither keys nor labels: under half of the views written as JSON', () => {
    const sources = [source({ kind: 'group', ruleId: 'r-everyone', groupId: 'everyone', groupName: 'Everyone' })];
    const column = sourcesColumn(sources);

    expect(column).toBe('[["group","Everyone","r-everyone","2026-03-02",0]]');
    expect(column.length).toBeLessThan(JSON.stringify(sourceViews(column)).length / 2);
  });
});
