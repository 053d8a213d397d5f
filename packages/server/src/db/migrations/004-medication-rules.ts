/**
 * Medication at camp (docs/domain.md): the organization's time zone, in which requirement
 * times are wall-clock times; the readable history the server keeps on each distribution
 * (corrections and possible double doses); and a foreign key that ties a distribution's
 * participant to its requirement's participant. NOT VALID: rows written before it are not
 * checked again, every new or changed row is.
 */
export const medicationRulesMigration = {
  id: '004-medication-rules',
  sql: `
ALTER TABLE organizations ADD COLUMN time_zone text NOT NULL DEFAULT 'America/Toronto';
ALTER TABLE medication_distributions ADD COLUMN dose_history jsonb NOT NULL DEFAULT '[]'::jsonb;
ALTER TABLE medication_requirements
  ADD CONSTRAINT medication_requirements_participant UNIQUE (organization_id, id, participant_id);
ALTER TABLE medication_distributions
  ADD CONSTRAINT medication_distributions_requirement_participant
  FOREIGN KEY (organization_id, medication_requirement_id, participant_id)
  REFERENCES medication_requirements (organization_id, id, participant_id) ON DELETE CASCADE NOT VALID;
`,
};
