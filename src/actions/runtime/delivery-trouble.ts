import type { Job } from '../action.ts';

/**
 * What the delivery runtime reports about trouble, for whoever wants to know (the hub publishes
 * meta-events from it). Called synchronously; implementations must not throw or block.
 */
export interface DeliveryTrouble {
  deadLettered(info: { job: Job; reason: string; attempts: number; destination: string; time: string }): void;
  /** A destination's circuit opened or closed in this process; `job` is the attempt that changed it. */
  circuitChanged(info: { destination: string; state: 'open' | 'closed'; job: Job }): void;
}
