// The test page: exposes the client, loaded from source, to the Playwright-driven tests.
import * as client from '../../src/index';

declare global {
  interface Window {
    client: typeof client;
    ready: boolean;
  }
}

window.client = client;
window.ready = true;
