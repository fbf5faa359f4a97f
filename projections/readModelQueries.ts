import type { Database, Statement } from 'better-sqlite3';
import type { ReferenceData } from '../domain/referenceData/referenceData';

/** Where read-model queries read: the read models' connection and the reference data their authorization uses. */
export interface QuerySources {
  readonly db: Database;
  readonly referenceData: ReferenceData;
}

/** A group of read-model queries; statements are prepared once per SQL text (it varies only with a query's filters). */
export abstract class ReadModelQueries {
  private readonly statements = new Map<string, unknown>();

  constructor(private readonly sources: QuerySources) {}

  protected get db(): Database {
    return this.sources.db;
  }

  protected get referenceData(): ReferenceData {
    return this.sources.referenceData;
  }

  protected statement<P extends unknown[] | Record<string, unknown>, R>(sql: string): Statement<P, R> {
    let prepared = this.statements.get(sql) as Statement<P, R> | undefined;
    if (!prepared) {
      prepared = this.db.prepare<P, R>(sql);
      this.statements.set(sql, prepared);
    }
    return prepared;
  }
}
