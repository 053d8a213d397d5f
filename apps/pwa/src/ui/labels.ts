import type { EntityType, Operation } from '@wampums/schema';
import type { MessageKey } from '../i18n/fr';
import type { Translate } from '../i18n/translate';

/** Labels of the values the app shows; each has a key in both dictionaries. */
export function entityLabel(t: Translate, type: EntityType): string {
  return t(`entity.${type}` as MessageKey);
}

export function operationLabel(t: Translate, operation: Operation): string {
  return t(`operation.${operation}` as MessageKey);
}

/** A label of an enumerated value: `enumLabel(t, 'attendance', 'late')` → `Retard`. */
export function enumLabel(t: Translate, kind: string, value: unknown): string {
  return t(`${kind}.${String(value)}` as MessageKey);
}

/** Field names for the conflicts inbox. */
export function fieldLabel(t: Translate, field: string): string {
  return t(`field.${field}` as MessageKey);
}
