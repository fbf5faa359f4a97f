/** Stream names of DESIGN.md section 2; adapters may add a configurable prefix. */
export const streams = {
  portal: () => 'portal',
  orgUnit: (orgUnitId: string) => `orgunit-${orgUnitId}`,
  user: (userId: string) => `user-${userId}`,
  course: (courseId: string) => `course-${courseId}`,
  group: (groupId: string) => `group-${groupId}`,
  rule: (ruleId: string) => `rule-${ruleId}`,
  training: (userId: string) => `training-${userId}`,
  access: (userId: string) => `access-${userId}`,
} as const;

const TRAINING_PREFIX = streams.training('');

/** The user whose training stream this is; undefined for any other stream. */
export function trainingUserOf(stream: string): string | undefined {
  return stream.startsWith(TRAINING_PREFIX) ? stream.slice(TRAINING_PREFIX.length) : undefined;
}

export type StreamCategory = 'portal' | 'orgunit' | 'user' | 'course' | 'group' | 'rule' | 'training' | 'access';

export function categoryOf(stream: string): StreamCategory | undefined {
  const dash = stream.indexOf('-');
  const category = dash === -1 ? stream : stream.slice(0, dash);
  return (['portal', 'orgunit', 'user', 'course', 'group', 'rule', 'training', 'access'] as const).find(
    (known) => known === category,
  );
}
