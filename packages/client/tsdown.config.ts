import { defineConfig } from 'tsdown';

// The published build: one ES module with its declarations and source maps (docs/adopting.md).
export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  dts: true,
  sourcemap: true,
});
