/** How statuses read to a person (seed: individual assignment, "Status Information"). */
export function statusText(status: string): string {
  return (
    { notStarted: 'Not Started', inProgress: 'In Progress', completed: 'Completed', expired: 'Expired' }[status] ??
    status
  );
}
