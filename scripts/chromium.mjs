// The one place that says which Chromium the browser tests and benchmarks drive and how:
// Debian's package (never a downloaded browser), headless, with no sandbox, GPU, QUIC or
// background traffic, so that a run is the same on every machine (README: "Tests").
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
