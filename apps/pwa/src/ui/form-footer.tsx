import { useI18n } from '../i18n/i18n-context';
import { useApp } from '../offline/app-context';

/** The end of an edit form: the error or "saved" message, then Back and Save. */
export function FormFooter(props: {
  error: string | null;
  saved?: boolean;
  backHref: string;
  saveTestId: string;
}) {
  const { t } = useI18n();
  // A viewer sees the record, and nothing to save: the server would refuse it.
  const { readOnly } = useApp();
  return (
    <>
      {props.error && <p class="alert alert-error">{props.error}</p>}
      {props.saved && <p class="alert alert-ok">{t('common.saved')}</p>}
      <div class="actions">
        <a class="button secondary" href={props.backHref}>
          {t('action.back')}
        </a>
        {!readOnly && (
          <button type="submit" class="primary" data-testid={props.saveTestId}>
            {t('action.save')}
          </button>
        )}
      </div>
    </>
  );
}
