/** A mistake in how `lms` was called (exit status 2): the message says what to type instead. */
export class UsageError extends Error {}
