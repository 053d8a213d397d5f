import type { DBCoreTransaction, Dexie } from 'dexie';

/**
 * Tells, while Dexie reports a committed change (`storagemutated`), whether the commit was made
 * by this database connection rather than by another tab or the service worker. Call before the
 * database opens: it adds a DBCore middleware.
 *
 * Dexie reports a commit of this connection from its transaction's `oncomplete` handler, and a
 * commit elsewhere from a BroadcastChannel message, a task of its own. A `complete` listener added
 * when the transaction is created runs before Dexie's handler, and one added at its first write
 * runs after it, so between the two the report is this connection's. Should Dexie ever report
 * later, the answer is "not here": a caller then does what it does for changes made elsewhere.
 */
export function trackLocalCommits(db: Dexie): () => boolean {
  let committing: IDBTransaction | null = null;
  /** Transactions that wrote, with the listener that ends their report registered. */
  const wrote = new WeakSet<IDBTransaction>();
  db.use({
    stack: 'dbcore',
    name: 'localCommits',
    create: (down) => ({
      ...down,
      transaction(stores, mode, options) {
        const tx = down.transaction(stores, mode, options);
        if (mode === 'readwrite') {
          const idbTx = asIdb(tx);
          idbTx.addEventListener('complete', () => {
            // A transaction that wrote nothing is not reported, and would not end its report.
            if (wrote.has(idbTx)) committing = idbTx;
          });
        }
        return tx;
      },
      table(name) {
        const table = down.table(name);
        return {
          ...table,
          mutate(req) {
            const idbTx = asIdb(req.trans);
            if (!wrote.has(idbTx)) {
              wrote.add(idbTx);
              idbTx.addEventListener('complete', () => {
                committing = null;
              });
            }
            return table.mutate(req);
          },
        };
      },
    }),
  });
  return () => committing !== null;
}

/** Dexie's IndexedDB core hands the native transaction down as its DBCore transaction. */
const asIdb = (tx: DBCoreTransaction) => tx as unknown as IDBTransaction;
