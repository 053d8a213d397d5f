import type { StoredRecord } from '@wampums/client';
import { type OutboxEntry, ridersPerLeg, seatRefusal, type TripDirection } from '@wampums/schema';
import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/i18n-context';
import { useApp, useLive } from '../offline/app-context';
import { TRIP_DIRECTIONS } from '../offline/enums';
import { useMemberNames } from '../offline/members';
import { textOrNull } from '../offline/patch';
import { fullName } from '../offline/records';
import { type Roster, readRoster } from '../offline/roster';
import { errorText } from '../ui/error-text';
import { enumLabel } from '../ui/labels';
import { ParticipantSelect } from '../ui/participant-select';
import { Empty, Screen } from '../ui/screen';

/** One activity and its carpools: offer a ride, assign riders within the seats. */
export function ActivityScreen(props: { id: string }) {
  const { t } = useI18n();
  const data = useLive(
    ['activities', 'carpool_offers', 'carpool_assignments', 'groups', 'participants', '_outbox'],
    async (s) => {
      const activity = await s.get('activities', props.id);
      const none = new Map<string, OutboxEntry>();
      if (!activity)
        return { activity, offers: [], assignments: [], roster: await readRoster(s), refused: none };
      const offers = await s.query('carpool_offers', { activity_id: activity.id });
      const assignments = (
        await Promise.all(offers.map((o) => s.query('carpool_assignments', { carpool_offer_id: o.id })))
      ).flat();
      // Assignments the server refused for good (`no_seats`...), shown on their row with the reason.
      const failed = await s.outbox.list({ status: ['failed'] });
      const refused = new Map(
        failed
          .filter((e) => e.entityType === 'carpool_assignments' && e.nextAttemptAt === undefined)
          .map((e) => [String(e.entityId), e as OutboxEntry]),
      );
      return { activity, offers, assignments, roster: await readRoster(s), refused };
    },
    [props.id],
  );
  if (!data) return null;
  const { activity } = data;
  if (!activity) return <Screen title={t('activities.notFound')}>{null}</Screen>;
  return (
    <Screen title={String(activity.name)}>
      <p class="muted">
        {String(activity.activity_date)}
        {activity.meeting_location_going ? ` · ${String(activity.meeting_location_going)}` : ''}
        {activity.meeting_time_going ? ` ${String(activity.meeting_time_going).slice(0, 5)}` : ''}
      </p>
      {activity.description ? <p>{String(activity.description)}</p> : null}
      <h2>{t('carpools.title')}</h2>
      {data.offers.filter((o) => o.is_active !== false).length === 0 && <Empty>{t('carpools.empty')}</Empty>}
      {data.offers
        .filter((o) => o.is_active !== false)
        .map((offer) => (
          <OfferCard
            key={String(offer.id)}
            offer={offer}
            assignments={data.assignments.filter((a) => String(a.carpool_offer_id) === String(offer.id))}
            roster={data.roster}
            refused={data.refused}
          />
        ))}
      <OfferForm activityId={activity.id} />
    </Screen>
  );
}

function OfferCard(props: {
  offer: StoredRecord;
  assignments: StoredRecord[];
  roster: Roster;
  refused: Map<string, OutboxEntry>;
}) {
  const { store, session, readOnly } = useApp();
  const { t } = useI18n();
  const memberNames = useMemberNames();
  const { offer, assignments } = props;
  const [participantId, setParticipantId] = useState<number | string | null>(null);
  const [direction, setDirection] = useState<TripDirection>(
    String(offer.trip_direction ?? 'both') as TripDirection,
  );
  const [error, setError] = useState<string | null>(null);
  // A refused assignment holds no seat: only the server's accepted riders and pending ones count.
  const holding = assignments.filter((a) => !props.refused.has(String(a.id)));
  const used = ridersPerLeg(holding);
  const seats = Number(offer.total_seats_available);
  const names = new Map(props.roster.participants.map((p) => [String(p.id), fullName(p)]));
  const fits = seatRefusal(offer, used, direction) === null;
  const removeOrUndo = (a: StoredRecord) => {
    const entry = props.refused.get(String(a.id));
    const done =
      entry?.localId !== undefined
        ? store.outbox.discard(entry.localId)
        : store.remove('carpool_assignments', a.id);
    done.catch((e: unknown) => setError(errorText(t, e)));
  };

  const assign = async (event: Event) => {
    event.preventDefault();
    if (participantId === null) return;
    if (!fits) {
      setError(t('error.no_seats'));
      return;
    }
    setError(null);
    try {
      await store.create('carpool_assignments', {
        carpool_offer_id: offer.id,
        participant_id: participantId,
        trip_direction: direction,
      });
      setParticipantId(null);
    } catch (e) {
      setError(errorText(t, e));
    }
  };

  return (
    <article class="card" data-testid="carpool-offer">
      <h3>
        {offer.user_id === session.user.id
          ? t('carpools.yourCar')
          : (memberNames.get(String(offer.user_id)) ?? t('carpools.driver', { id: String(offer.user_id) }))}
        {offer.vehicle_make ? ` · ${String(offer.vehicle_make)}` : ''}
        {offer.vehicle_color ? ` (${String(offer.vehicle_color)})` : ''}
      </h3>
      <p class="muted">
        {enumLabel(t, 'trip', offer.trip_direction ?? 'both')} ·{' '}
        {offer.trip_direction === 'to_activity'
          ? t('carpools.seatsTo', { to: used.to_activity, seats })
          : offer.trip_direction === 'from_activity'
            ? t('carpools.seatsFrom', { from: used.from_activity, seats })
            : t('carpools.seats', { to: used.to_activity, from: used.from_activity, seats })}
      </p>
      <ul class="list">
        {assignments.map((a) => {
          const refused = props.refused.get(String(a.id));
          return (
            <li key={String(a.id)} class="row wrap" data-testid="rider">
              <span class="row-main">
                {names.get(String(a.participant_id)) ?? '—'}
                <span class="sub">{enumLabel(t, 'trip', a.trip_direction ?? 'both')}</span>
                {refused && (
                  <span class="reason" data-testid="rider-refused">
                    {t('carpools.refused', { reason: errorText(t, refused.lastError) })}
                  </span>
                )}
              </span>
              {!readOnly && (
                <button type="button" class="small secondary" onClick={() => removeOrUndo(a)}>
                  {t('action.remove')}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {!readOnly && (
        <form class="form compact" onSubmit={assign}>
          <ParticipantSelect roster={props.roster} value={participantId} onChange={setParticipantId} />
          <DirectionSelect value={direction} onChange={setDirection} />
          {error && <p class="alert alert-error">{error}</p>}
          <button type="submit" class="primary" disabled={!fits} data-testid="assign">
            {fits ? t('carpools.assign') : t('carpools.full')}
          </button>
        </form>
      )}
    </article>
  );
}

function DirectionSelect(props: { value: TripDirection; onChange(value: TripDirection): void }) {
  const { t } = useI18n();
  return (
    <label>
      {t('field.trip_direction')}
      <select
        name="trip_direction"
        value={props.value}
        onChange={(e) => props.onChange(e.currentTarget.value as TripDirection)}
      >
        {TRIP_DIRECTIONS.map((d) => (
          <option key={d} value={d}>
            {enumLabel(t, 'trip', d)}
          </option>
        ))}
      </select>
    </label>
  );
}

function OfferForm(props: { activityId: number | string }) {
  const { store, readOnly } = useApp();
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  const [vehicle, setVehicle] = useState('');
  const [color, setColor] = useState('');
  const [seats, setSeats] = useState(3);
  const [direction, setDirection] = useState<TripDirection>('both');
  const [error, setError] = useState<string | null>(null);
  if (readOnly) return null;
  if (!open)
    return (
      <button type="button" class="primary wide" onClick={() => setOpen(true)} data-testid="offer-ride">
        {t('carpools.offer')}
      </button>
    );
  const submit = async (event: Event) => {
    event.preventDefault();
    try {
      await store.create('carpool_offers', {
        activity_id: props.activityId,
        vehicle_make: textOrNull(vehicle),
        vehicle_color: textOrNull(color),
        total_seats_available: seats,
        trip_direction: direction,
      });
      setOpen(false);
    } catch (e) {
      setError(errorText(t, e));
    }
  };
  return (
    <form class="card form" onSubmit={submit}>
      <h3>{t('carpools.offer')}</h3>
      <label>
        {t('field.vehicle_make')}
        <input name="vehicle_make" value={vehicle} onInput={(e) => setVehicle(e.currentTarget.value)} />
      </label>
      <label>
        {t('field.vehicle_color')}
        <input name="vehicle_color" value={color} onInput={(e) => setColor(e.currentTarget.value)} />
      </label>
      <label>
        {t('field.total_seats_available')}
        <input
          type="number"
          name="total_seats_available"
          min={1}
          max={8}
          required
          value={seats}
          onInput={(e) => setSeats(Number(e.currentTarget.value))}
        />
      </label>
      <DirectionSelect value={direction} onChange={setDirection} />
      {error && <p class="alert alert-error">{error}</p>}
      <div class="actions">
        <button type="button" class="secondary" onClick={() => setOpen(false)}>
          {t('action.cancel')}
        </button>
        <button type="submit" class="primary" data-testid="save-offer">
          {t('action.save')}
        </button>
      </div>
    </form>
  );
}
