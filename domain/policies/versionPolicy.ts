import type { Versioning } from '../course/courseEvents';

/** R13, R14: which version of a course a user holds. */

export type TrainingStatus = 'notStarted' | 'inProgress' | 'completed' | 'expired';

export interface VersionDecision {
  version: number;
  reason: string;
}

/** R13: a new assignment gets the latest version. */
export function versionForNewAssignment(latest: number): VersionDecision {
  return { version: latest, reason: `new assignment: latest version v${latest} (R13)` };
}

/**
 * R13: a user who has not registered (or retakes after expiry) moves to the latest version on registering; others keep
 * theirs.
 */
export function versionOnRegistration(status: TrainingStatus, current: number, latest: number): VersionDecision {
  if ((status === 'notStarted' || status === 'expired') && current !== latest) {
    return {
      version: latest,
      reason: `registered while ${status === 'notStarted' ? 'not started' : 'expired'}: moves from v${current} to latest v${latest} (R13)`,
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
    return { version: current, reason: `completed v${current}: a completion keeps the version completed (R13)` };
  if (versioning === 'standard')
    return { version: latest, reason: `reassigned with upgrade to latest version on: v${current} → v${latest} (R14)` };
  if (statusAtRemoval === 'notStarted') {
    return {
      version: current,
      reason: `Course Publisher, pre-registered when removed: keeps v${current} until registering, then moves to v${latest} (R14)`,
    };
  }
  return {
    version: current,
    reason: `Course Publisher, post-registered when removed: keeps v${current}, not upgraded on reassignment (R14)`,
  };
}
