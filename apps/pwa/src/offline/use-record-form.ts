import { jsonEqual } from '@wampums/schema';
import { useEffect, useState } from 'preact/hooks';
import { rebaseForm } from './patch';

/**
 * The state of a record's edit form. It starts from the record once it is read; a later change
 * of the record (a pull, another tab) updates the fields the leader has not touched and keeps
 * the ones they edited. `base` is what the form last started from: only fields changed since go
 * into the update, so another leader's edit pulled meanwhile is never overwritten.
 *
 * `freshOf` turns the current live data into form values; it runs whenever `data` changes.
 */
export function useRecordForm<F extends object>(data: unknown, freshOf: () => F) {
  const [form, setForm] = useState<F | null>(null);
  const [base, setBase] = useState<F | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (!data) return;
    const fresh = freshOf();
    if (form === null || base === null) {
      setForm(fresh);
      setBase(fresh);
    } else if (!jsonEqual(base, fresh)) {
      setForm(rebaseForm(base, form, fresh));
      setBase(fresh);
    }
  }, [data]);
  return {
    form,
    base,
    saved,
    /** Changes some fields of the form. */
    set(patch: Partial<F>) {
      setSaved(false);
      setForm((current) => (current === null ? current : { ...current, ...patch }));
    },
    /** The form's values were stored: they become the new base. */
    markSaved() {
      setBase(form);
      setSaved(true);
    },
  };
}
