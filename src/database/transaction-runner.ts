import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * Runs one use case in one transaction. Whatever writes inside it (the state change, its audit
 * entry, its messages) commits together or not at all. Methods that must run inside a transaction
 * take the `EntityManager` as their first, required parameter.
 */
@Injectable()
export class TransactionRunner {
  constructor(private readonly dataSource: DataSource) {}

  run<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction('READ COMMITTED', work);
  }
}
