import type { Plugin } from 'vite';

export declare const SOURCE_CONDITION: '@wampums/source';
export declare function workspaceSources(): Plugin;
