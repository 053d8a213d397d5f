import type { StoredRecord } from '@wampums/client';
import type { Section } from '@wampums/schema';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { pluralKey } from '../i18n/plural';
import { useApp, useLive } from '../offline/app-context';
import { SECTIONS } from '../offline/enums';
import { changedFields } from '../offline/patch';
import { useRecordForm } from '../offline/use-record-form';
import { errorText } from '../ui/error-text';
import { FormFooter } from '../ui/form-footer';
import { enumLabel } from '../ui/labels';
import { navigate } from '../ui/router';
import { Screen } from '../ui/screen';

interface Form {
  name: string;
  section: Section;
}

function formOf(g: StoredRecord | undefined): Form {
  return { name: String(g?.name ?? ''), section: (g?.section as Section | undefined) ?? 'general' };
}

function fieldsOf(form: Form): Record<string, unknown> {
  return { name: form.name.trim(), section: form.section };
}

/**
 * Adds a group (`id` = `new`) or renames one / changes its section. A group created offline has
 * a temp id and can take participants at once; the client library maps both on sync.
 */
export function GroupScreen(props: { id: string }) {
  const { store, readOnly } = useApp();
  const { t, lang } = useI18n();
  const isNew = props.id === 'new';
  const data = useLive(
    ['groups', 'participants'],
    async (s) => {
      if (isNew) return { current: undefined, members: 0 };
      const current = await s.get('groups', props.id);
      const members = current ? (await s.query('participants', { group_id: current.id })).length : 0;
      return { current, members };
    },
    [props.id],
  );
  const { form, base, set } = useRecordForm(data, () => formOf(data?.current));
  const [error, setError] = useState<string | null>(null);

  if (!data || !form) return null;
  if (!isNew && !data.current) return <Screen title={t('groups.notFound')}>{null}</Screen>;

  const save = async (event: Event) => {
    event.preventDefault();
    setError(null);
    try {
      if (isNew) await store.create('groups', fieldsOf(form));
      else {
        const patch = changedFields(fieldsOf(base ?? form), fieldsOf(form));
        if (Object.keys(patch).length > 0)
          await store.update('groups', (data.current as StoredRecord).id, patch);
      }
      navigate('participants');
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  return (
    <Screen title={isNew ? t('groups.new') : t('groups.edit')}>
      {!isNew && (
        <p class="muted">{t(pluralKey(lang, 'groups.members', data.members), { count: data.members })}</p>
      )}
      <form class="card form" onSubmit={save}>
        <fieldset class="form-fields" disabled={readOnly}>
          <label>
            {t('field.name')}
            <input
              name="group_name"
              required
              maxLength={120}
              value={form.name}
              onInput={(e) => set({ name: e.currentTarget.value })}
            />
          </label>
          <label>
            {t('field.section')}
            <select
              name="section"
              value={form.section}
              onChange={(e) => set({ section: e.currentTarget.value as Section })}
            >
              {SECTIONS.map((s) => (
                <option key={s} value={s}>
                  {enumLabel(t, 'section', s)}
                </option>
              ))}
            </select>
          </label>
          <FormFooter error={error} backHref="#/participants" saveTestId="save-group" />
        </fieldset>
      </form>
    </Screen>
  );
}
