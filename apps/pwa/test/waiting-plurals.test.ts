import { describe, expect, it } from 'vitest';
import { pluralKey } from '../src/i18n/plural';
import { translate } from '../src/i18n/translate';

/** The sentence the status bar shows for another person's waiting changes. */
const waiting = (lang: 'fr' | 'en', count: number) =>
  translate(lang, pluralKey(lang, 'waiting.byAuthor', count), { count, name: 'Mathieu' });

describe('other people’s waiting changes, in both languages', () => {
  it('uses each language’s own plural rules', () => {
    expect(waiting('en', 1)).toBe('1 change by Mathieu will be sent when Mathieu signs in.');
    expect(waiting('en', 3)).toBe('3 changes by Mathieu will be sent when Mathieu signs in.');
    expect(waiting('fr', 1)).toBe('1 modification de Mathieu sera envoyée quand Mathieu se connectera.');
    expect(waiting('fr', 3)).toBe('3 modifications de Mathieu seront envoyées quand Mathieu se connectera.');
    // French counts 0 as singular; English does not. A million is French's `many`: the plural.
    expect(pluralKey('fr', 'unit.loses', 0)).toBe('unit.loses.one');
    expect(pluralKey('en', 'unit.loses', 0)).toBe('unit.loses.other');
    expect(pluralKey('fr', 'unit.loses', 1_000_000)).toBe('unit.loses.other');
  });
});
