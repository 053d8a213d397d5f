import { describe, expect, it } from 'vitest';
import { dexieStores, OFFLINE_DB_NAME } from './dexie-schema';

describe('WampumsOfflineDB schema', () => {
  it('generates the 16 stores of the seed with their keys and indexes', () => {
    // Copied from the seed's two tables (section 1), in Dexie's notation.
    expect(OFFLINE_DB_NAME).toBe('WampumsOfflineDB');
    expect(dexieStores()).toEqual({
      participants: 'id, organization_id, group_id, [organization_id+group_id]',
      groups: 'id, organization_id',
      activities: 'id, organization_id, activity_date',
      attendance: 'id, participant_id, date, [participant_id+date], organization_id',
      honors: 'id, participant_id, organization_id, created_at',
      points: 'id, participant_id, honor_id',
      badge_templates: 'id, organization_id',
      badge_progress: 'id, participant_id, badge_template_id, status',
      medication_requirements: 'id, participant_id, organization_id',
      medication_distributions: 'id, medication_requirement_id, participant_id, scheduled_for',
      carpool_offers: 'id, activity_id, user_id',
      carpool_assignments: 'id, carpool_offer_id, participant_id',
      _outbox: '++localId, entityType, entityId, operation, timestamp, status, [status+timestamp], authorId',
      _idMap: '++id, entityType, tempId, serverId, [entityType+tempId], [entityType+serverId]',
      _syncMeta: 'key',
      _conflicts: '++id, entityType, entityId, resolvedAt',
    });
  });
});
