import { defineConfig } from 'tsdown';

// The published build: ES modules with their declarations and source maps (docs/adopting.md).
// `testing` starts throwaway servers and databases for an adopter's own tests.
export default defineConfig({
  entry: ['src/index.ts', 'src/testing.ts'],
  format: 'esm',
  platform: 'node',
  target: 'node20',
  fixedExtension: false,
  dts: true,
  sourcemap: true,
});
