import { IDBDatabase as FakeIDBDatabase } from 'fake-indexeddb';

/**
 * Simulates an app that dies between two steps of a sync. Every read-write IndexedDB
 * transaction of an armed connection is counted; just before the n-th one starts, the
 * connection is closed, so that transaction and everything after it never happen, exactly as
 * when the tab is killed: what committed before stays, nothing after it is written.
 */
interface Trap {
  remaining: number;
  crash: () => void;
  fired: boolean;
}

const traps = new WeakMap<object, Trap>();

// Installed when this module loads, before any device opens its database: Dexie binds the
// connection's `transaction` method once, at open.
install();

function install(): void {
  const proto = FakeIDBDatabase.prototype as unknown as {
    transaction: (this: object, names: unknown, mode?: IDBTransactionMode, options?: unknown) => unknown;
  };
  const original = proto.transaction;
  proto.transaction = function (this: object, names, mode, options) {
    const trap = traps.get(this);
    if (trap && !trap.fired && mode === 'readwrite') {
      trap.remaining -= 1;
      if (trap.remaining <= 0) {
        trap.fired = true;
        // Closes the Dexie instance (no auto-reopen), which closes this connection: the call
        // below then throws InvalidStateError like on a dead page.
        trap.crash();
      }
    }
    return original.call(this, names, mode, options);
  };
}

/** A crash armed on one connection. */
export interface ArmedCrash {
  /** True once the crash happened. */
  readonly fired: boolean;
  disarm(): void;
}

/**
 * Arms a crash before the `writeNumber`-th read-write transaction of `connection` (the
 * IndexedDB connection behind a Dexie instance, `db.backendDB()`). `crash` must close it.
 */
export function armCrash(connection: object, writeNumber: number, crash: () => void): ArmedCrash {
  const trap: Trap = { remaining: writeNumber, crash, fired: false };
  traps.set(connection, trap);
  return {
    get fired() {
      return trap.fired;
    },
    disarm() {
      traps.delete(connection);
    },
  };
}
