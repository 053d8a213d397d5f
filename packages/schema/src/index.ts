/**
 * @wampums/schema: the one declaration of the offline store, the entities, their rules and
 * the wire protocol, shared by the client, the server and the app. Pure: no DOM, no Node.
 */
export * from './append-only';
export * from './carpool';
export * from './conflict-rules';
export * from './dexie-schema';
export * from './edit-time';
export * from './entities';
export * from './entity-schemas';
export * from './errors';
export * from './field-spec';
export * from './field-types';
export * from './graph';
export * from './medication';
export * from './protocol';
export * from './read-rules';
export * from './roles';
export * from './sync-records';
export * from './temp-id';
export * from './time-zone';
