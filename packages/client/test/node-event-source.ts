import type { EventSourceLike } from '../src/live-events';

/**
 * A small EventSource for Node tests (Node 20 has none): real HTTP, server-sent events parsed
 * from the streamed body. Enough for `event:` + `data:` messages and comments.
 */
export class NodeEventSource implements EventSourceLike {
  onopen: ((event: unknown) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  private readonly controller = new AbortController();
  private readonly listeners = new Map<string, ((event: { data?: unknown }) => void)[]>();

  constructor(url: string) {
    void this.run(url);
  }

  addEventListener(type: string, listener: (event: { data?: unknown }) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }

  close(): void {
    this.controller.abort();
  }

  private async run(url: string): Promise<void> {
    try {
      const response = await fetch(url, {
        headers: { accept: 'text/event-stream' },
        signal: this.controller.signal,
      });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      this.onopen?.({});
      const decoder = new TextDecoder();
      let buffer = '';
      for await (const chunk of response.body) {
        buffer += decoder.decode(chunk as Uint8Array, { stream: true });
        let end = buffer.indexOf('\n\n');
        while (end >= 0) {
          this.dispatch(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          end = buffer.indexOf('\n\n');
        }
      }
      throw new Error('stream ended');
    } catch (error) {
      if (!this.controller.signal.aborted) this.onerror?.(error);
    }
  }

  private dispatch(block: string): void {
    let type = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event:')) type = line.slice(6).trim();
      else if (line.startsWith('data:')) data.push(line.slice(5).trim());
    }
    if (data.length === 0) return;
    for (const listener of this.listeners.get(type) ?? []) listener({ data: data.join('\n') });
  }
}
