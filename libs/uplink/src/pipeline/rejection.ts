import type { RejectReason } from '@hv/contracts';

export { REJECT_REASONS, type RejectReason } from '@hv/contracts';

/** A domain error: turned into a dead letter and a counter at the edge, never thrown past it. */
export class Rejection {
  constructor(
    readonly reason: RejectReason,
    readonly detail: string,
    /** Set only when the topic or the registry named a well-formed tenant / device. */
    readonly tenant?: string,
    readonly device?: string,
  ) {}
}
