import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { IngestService } from './ingest.service';
import { UPLINK_PATTERN, type InboundMessage } from '@hv/uplink';

@Controller()
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  /** Resolves when every message of the array is durable; the transport acknowledges them then. */
  @EventPattern(UPLINK_PATTERN)
  handle(@Payload() msgs: InboundMessage[]): Promise<void> {
    return this.ingest.handleAll(msgs);
  }
}
