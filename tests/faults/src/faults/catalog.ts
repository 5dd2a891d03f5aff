import type { Fleet } from '../harness/fleet.ts';
import { restartService } from './processes.ts';
import {
  flushAll,
  freeze,
  killCommandClients,
  killSubscribers,
  killSubscribersAndEpoch,
  overflowSubscribers,
  pauseClients,
  pauseWrites,
  restartEmpty,
  trimStreamAndKillSubscribers,
} from './redis.ts';

/**
 * One fault of a generated schedule. Faults with a duration hold for `ms` and heal before the next one
 * starts; the others are instantaneous and the system heals by itself (reconnects, re-seeding).
 */
export type Fault =
  | { kind: 'kill-subscribers' }
  | { kind: 'stream-trimmed' }
  | { kind: 'epoch-change-on-resume' }
  | { kind: 'kill-normal-clients' }
  | { kind: 'redis-restart-empty' }
  | { kind: 'flushall' }
  | { kind: 'client-pause'; ms: number }
  | { kind: 'client-pause-write'; ms: number }
  | { kind: 'redis-freeze'; ms: number }
  | { kind: 'pubsub-overflow'; ms: number }
  | { kind: 'restart-notes' }
  | { kind: 'restart-activity' };

/** Injects `fault` into `fleet` and resolves once it has healed (or, for an instant fault, has happened). */
export async function inject(fleet: Fleet, fault: Fault): Promise<void> {
  switch (fault.kind) {
    case 'kill-subscribers':
      await killSubscribers(fleet.redis);
      return;
    case 'stream-trimmed':
      await trimStreamAndKillSubscribers(fleet.redis, fleet.prefix);
      return;
    case 'epoch-change-on-resume':
      await killSubscribersAndEpoch(fleet.redis, fleet.prefix);
      return;
    case 'kill-normal-clients':
      await killCommandClients(fleet.redis);
      return;
    case 'redis-restart-empty':
      await restartEmpty(fleet.redis);
      return;
    case 'flushall':
      await flushAll(fleet.redis);
      return;
    case 'client-pause':
      await pauseClients(fleet.redis, fault.ms);
      return;
    case 'client-pause-write':
      await pauseWrites(fleet.redis, fault.ms);
      return;
    case 'redis-freeze':
      await freeze(fleet.redis, fault.ms);
      return;
    case 'pubsub-overflow':
      await overflowSubscribers(fleet.redis, `${fleet.prefix}events`, fault.ms);
      return;
    case 'restart-notes':
      await restartService(fleet, 'notes');
      return;
    case 'restart-activity':
      await restartService(fleet, 'activity');
      return;
  }
}

/** A short readable form, e.g. `redis-freeze(4200ms)`. */
export function describeFault(fault: Fault): string {
  return 'ms' in fault ? `${fault.kind}(${fault.ms}ms)` : fault.kind;
}
