import { eventChecksum } from '../../infra/eventstore/sqliteIntegrity';

describe('R30: event checksums', () => {
  test('an event gets the checksum earlier versions stored for it, so a log written before still verifies', () => {
    // Computed by the implementation of session 16 (createHash; now the one-shot hash).
    const checksum = eventChecksum(
      '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b',
      'training-u0000001',
      3,
      'ProgressRecorded',
      '{"userId":"u0000001","courseId":"c199","progress":50}',
      '{"actorId":"admin","commandId":"01HZ8Y3K2M4N5P6Q7R8S9T0V1W"}',
    );
    expect(checksum).toBe('e4b174642ac2b3bc699f454dfe7af6c3');
  });

  test('any field changed changes the checksum', () => {
    const fields = ['id', 'training-u0000001', 3, 'ProgressRecorded', '{}', '{}'] as const;
    const base = eventChecksum(...fields);
    for (let i = 0; i < fields.length; i++) {
      const changed = [...fields] as [string, string, number, string, string, string];
      (changed as unknown[])[i] = typeof fields[i] === 'number' ? 4 : `${fields[i]}x`;
      expect(eventChecksum(...changed)).not.toBe(base);
    }
  });
});
