import type { PushResult } from '@wampums/schema';
import type { WriteOutcome } from './write-types';

/** The push result of one change (the contract's table). */
export function toPushResult(correlationId: string, outcome: WriteOutcome): PushResult {
  switch (outcome.status) {
    case 'applied':
      return { status: 'applied', correlationId, serverId: outcome.serverId, entity: outcome.entity };
    case 'duplicate': {
      const { serverId, entity, current } = outcome;
      return { status: 'duplicate', correlationId, serverId, entity, current };
    }
    case 'conflict':
      return { status: 'conflict', correlationId, code: outcome.code, serverEntity: outcome.serverEntity };
    case 'rejected': {
      const { code, message, details } = outcome.error;
      return {
        status: 'rejected',
        correlationId,
        error: details === undefined ? { code, message } : { code, message, details },
      };
    }
    case 'skipped':
      return {
        status: 'skipped',
        correlationId,
        error: { code: 'dependency_pending', message: outcome.message },
      };
  }
}
