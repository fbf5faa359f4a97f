import type { Versioning } from '../course/courseEvents';

/** R13, R14: which version of a course a user holds. */

export type TrainingStatus = 'notStarted' | 'inProgress' | 'completed' | 'expired';

/** A status as a sentence says it. */
export const statusWords: Record<TrainingStatus, string> = {
  notStarted: 'not started',
  inProgress: 'in progress',
  completed: 'completed',
  expired: 'expired',
};

export interface VersionDecision {
  version: number;
  reason: string;
}

/** R13: a new assignment gets the latest version. */
export function versionForNewAssignment(latest: number): VersionDecision {
  return { version: latest, reason: `a new assignment gets the latest version, v${latest}` };
}

/**
 * R13: a user who has not registered (or retakes after expiry) moves to the latest version on registering; others keep
 * theirs.
 */
export function versionOnRegistration(status: TrainingStatus, current: number, latest: number): VersionDecision {
  if ((status === 'notStarted' || status === 'expired') && current !== latest) {
    return {
      version: latest,
      reason: `registered while ${status === 'notStarted' ? 'not started' : 'expired'}: moves from v${current} to the latest version, v${latest}`,
    };
  }
  return { version: current, reason: `keeps v${current}` };
}

/**
 * R14 on reassignment through a dynamic rule. Standard versioning with upgrade on: the latest version, but for a
 * completed training, whose completion keeps its version (R13).
 * Course Publisher: a pre-registered user keeps the version now and is upgraded on registering (R13);
 * a post-registered user is not upgraded.
 */
export function versionOnReassignment(input: {
  versioning: Versioning;
  upgradeToLatestVersion: boolean;
  statusAtRemoval: TrainingStatus;
  current: number;
  latest: number;
}): VersionDecision {
  const { versioning, upgradeToLatestVersion, statusAtRemoval, current, latest } = input;
  if (current === latest) return { version: current, reason: `already on the latest version v${latest}` };
  if (!upgradeToLatestVersion)
    return { version: current, reason: `upgrade to latest version is off for this rule: keeps v${current}` };
  // R13: a completion is never relabelled, whatever R14 says: the training comes back as the completion of v{current}.
  if (statusAtRemoval === 'completed')
    return {
      version: current,
      reason: `v${current} was completed, and a completion keeps the version that was completed`,
    };
  if (versioning === 'standard')
    return {
      version: latest,
      reason: `the rule upgrades reassigned users to the latest version: v${current} → v${latest}`,
    };
  if (statusAtRemoval === 'notStarted') {
    return {
      version: current,
      reason: `not yet registered when the training was taken away: keeps v${current} until registering for this Course Publisher course, then moves to v${latest}`,
    };
  }
  return {
    version: current,
    reason: `already registered when the training was taken away: keeps v${current}, as a Course Publisher course does not upgrade registered users on reassignment`,
  };
}
