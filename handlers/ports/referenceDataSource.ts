import type { ReferenceData } from '../../domain/referenceData/referenceData';

/** Reference data kept current from the event store: what decisions and queries authorize against. */
export interface ReferenceDataSource {
  readonly referenceData: ReferenceData;
  /** The position of the store the reference data reflects. */
  readonly at: number;
  /** Folds whatever was stored since the last catch-up. */
  catchUp(): Promise<void>;
}
