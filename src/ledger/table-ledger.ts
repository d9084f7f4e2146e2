import { odata, type TableClient } from '@azure/data-tables';
import { stillDecided, type Claim, type DecisionLedger, type LedgerEntry, type LedgerQuery } from './ledger.js';
import { entityOf, entryFrom, type LedgerEntity } from './table-entity.js';
import type { LedgerLocation } from './ledger-url.js';

const statusOf = (error: unknown): number | undefined => {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
};

/** The server-side filter of a query: every given condition, values quoted by `odata`. */
function filterOf(query: LedgerQuery): string | undefined {
  const parts: string[] = [];
  if (query.subject !== undefined) parts.push(odata`PartitionKey eq ${query.subject.toLowerCase()}`);
  if (query.targetObjectId !== undefined) parts.push(odata`targetObjectId eq ${query.targetObjectId.toLowerCase()}`);
  if (query.accessPackageId !== undefined) parts.push(odata`accessPackageId eq ${query.accessPackageId.toLowerCase()}`);
  if (query.decision !== undefined) parts.push(odata`decision eq ${query.decision}`);
  if (query.from !== undefined) parts.push(odata`decidedAt ge ${query.from}`);
  if (query.to !== undefined) parts.push(odata`decidedAt lt ${query.to}`);
  return parts.length === 0 ? undefined : parts.join(' and ');
}

/**
 * The ledger in an Azure Storage table (Azurite locally), signed in with the managed identity:
 * an entity per callout, PartitionKey the request (or task processing result) id, RowKey the
 * stage instance id. The client is built by the composition root, with the managed identity's
 * credential (TableClient(location.accountUrl, location.table, credential)). A claim is an insert, which the table refuses (409) when the entity exists:
 * that is what makes the first decision win across instances.
 */
export function createTableLedger(location: LedgerLocation, client: TableClient): DecisionLedger {
  const read = async (partition: string, row: string): Promise<LedgerEntry | undefined> => {
    try {
      return entryFrom(await client.getEntity<LedgerEntity>(partition, row));
    } catch (error) {
      if (statusOf(error) === 404) return undefined;
      throw error;
    }
  };
  return {
    where: `table ${location.table} at ${location.accountUrl}`,
    durable: true,
    read: (key) => read(key.subject, key.stageInstance),
    async claim(entry): Promise<Claim> {
      try {
        await client.createEntity(entityOf(entry));
        return { won: true, entry };
      } catch (error) {
        if (statusOf(error) !== 409) throw error;
        const found = await read(entry.key.subject, entry.key.stageInstance);
        if (found === undefined) throw new Error('the table refused the entry as existing, then did not find it', { cause: error });
        return { won: false, entry: found };
      }
    },
    async update(entry) {
      await client.updateEntity(entityOf(entry), 'Replace');
    },
    async replaceDecided(entry, previous) {
      let stored;
      try {
        stored = await client.getEntity<LedgerEntity>(entry.key.subject, entry.key.stageInstance);
      } catch (error) {
        if (statusOf(error) === 404) return false;
        throw error;
      }
      if (!stillDecided(entryFrom(stored), previous)) return false;
      try {
        // Only over the version read: a state another instance wrote since is never overwritten.
        await client.updateEntity(entityOf(entry), 'Replace', { etag: stored.etag });
        return true;
      } catch (error) {
        if (statusOf(error) === 412) return false;
        throw error;
      }
    },
    async release(key) {
      try {
        await client.deleteEntity(key.subject, key.stageInstance);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    },
    async *list(query) {
      const filter = filterOf(query);
      const pages = client.listEntities<LedgerEntity>(filter === undefined ? {} : { queryOptions: { filter } });
      for await (const entity of pages) yield entryFrom(entity);
    },
    async purge(before, max) {
      let purged = 0;
      const old = client.listEntities<{ partitionKey: string; rowKey: string }>({ queryOptions: { filter: odata`decidedAt lt ${before}`, select: ['PartitionKey', 'RowKey'] } });
      for await (const entity of old) {
        if (purged >= max) break;
        try {
          await client.deleteEntity(entity.partitionKey, entity.rowKey);
        } catch (error) {
          if (statusOf(error) !== 404) throw error;
        }
        purged += 1;
      }
      return purged;
    },
  };
}
