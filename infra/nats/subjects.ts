/** Every NATS subject and JetStream stream the engine uses, from the configured prefix (DESIGN.md section 4). */
export function subjectsFor(prefix: string) {
  const streamPrefix = prefix.toUpperCase().replace(/-/g, '_');
  return {
    /** Request-reply commands, in a queue group: `{prefix}.cmd.{CommandType}`. */
    command: (type: string) => `${prefix}.cmd.${type}`,
    commands: `${prefix}.cmd.*`,
    /** Request-reply queries: `{prefix}.query.{QueryName}`. */
    query: (name: string) => `${prefix}.query.${name}`,
    queries: `${prefix}.query.*`,
    /** Durable command intake through JetStream (Nats-Msg-Id = commandId): `{prefix}.intake.{CommandType}`. */
    intake: (type: string) => `${prefix}.intake.${type}`,
    intakeAll: `${prefix}.intake.>`,
    /** The result of a durable command, keyed by its id. */
    result: (commandId: string) => `${prefix}.results.${commandId}`,
    resultsAll: `${prefix}.results.>`,
    /** Integration events, published after they are stored: `{prefix}.events.{EventType}`. */
    event: (type: string) => `${prefix}.events.${type}`,
    eventsAll: `${prefix}.events.>`,
    /** Health: any instance answers with the engine's status (positions, lags, parked work, problems). */
    health: `${prefix}.health`,
    /** Poison commands, terminated and recorded. */
    deadLetter: (type: string) => `${prefix}.deadletter.${type}`,
    deadLettersAll: `${prefix}.deadletter.>`,
    streams: {
      commands: `${streamPrefix}_COMMANDS`,
      results: `${streamPrefix}_RESULTS`,
      events: `${streamPrefix}_EVENTS`,
      deadLetters: `${streamPrefix}_DEADLETTER`,
    },
    intakeConsumer: `${streamPrefix.toLowerCase()}-engine`,
    queueGroup: `${prefix}-engine`,
  };
}

export type Subjects = ReturnType<typeof subjectsFor>;

/** The last token of a subject: the command type or query name. */
export function lastToken(subject: string): string {
  return subject.slice(subject.lastIndexOf('.') + 1);
}
