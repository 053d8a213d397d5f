import type { Connectivity } from './types';

interface OnlineTarget {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
}

/**
 * `navigator.onLine` and the `online`/`offline` events of the running context (a page or a
 * service worker: both expose them on `globalThis`). Where they are missing (Node), always online.
 */
export function globalConnectivity(): Connectivity {
  const nav = (globalThis as { navigator?: { onLine?: boolean } }).navigator;
  const target = globalThis as unknown as Partial<OnlineTarget>;
  return {
    isOnline: () => nav?.onLine ?? true,
    subscribe(listener) {
      if (typeof target.addEventListener !== 'function' || typeof target.removeEventListener !== 'function') {
        return () => {};
      }
      const on = () => listener(true);
      const off = () => listener(false);
      target.addEventListener('online', on);
      target.addEventListener('offline', off);
      return () => {
        target.removeEventListener?.('online', on);
        target.removeEventListener?.('offline', off);
      };
    },
  };
}

/** A switchable connectivity for tests and for apps that know better than `navigator.onLine`. */
export class ManualConnectivity implements Connectivity {
  private readonly listeners = new Set<(online: boolean) => void>();
  constructor(private online = true) {}
  isOnline(): boolean {
    return this.online;
  }
  subscribe(listener: (online: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
  set(online: boolean): void {
    if (online === this.online) return;
    this.online = online;
    for (const l of [...this.listeners]) l(online);
  }
}
