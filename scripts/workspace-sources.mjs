import { defaultClientConditions, defaultServerConditions } from 'vite';

/**
 * The export condition under which `@wampums/schema`, `client` and `server` resolve to their
 * TypeScript source instead of their build (`dist/`): inside this workspace every tool runs on
 * the source, so nothing has to be built before a test, a type-check or `npm start`; a project
 * that installs the packages gets the build (docs/adopting.md). TypeScript reads it from
 * `customConditions` in tsconfig.base.json, Node (tsx) from `--conditions=@wampums/source`.
 */
export const SOURCE_CONDITION = '@wampums/source';

/**
 * Adds {@link SOURCE_CONDITION} to Vite's resolution, in the browser and in Node (Vitest).
 * @returns {import('vite').Plugin}
 */
export function workspaceSources() {
  return {
    name: 'wampums-workspace-sources',
    config: () => ({
      resolve: { conditions: [SOURCE_CONDITION, ...defaultClientConditions] },
      ssr: { resolve: { conditions: [SOURCE_CONDITION, ...defaultServerConditions] } },
    }),
  };
}
