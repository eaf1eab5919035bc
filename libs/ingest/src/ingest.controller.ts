import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { IngestService } from './ingest.service';
import { UPLINK_PATTERN, type InboundMessage } from './transport/durable-mqtt.server';

@Controller()
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  /** Resolves when the message is durable; the transport acknowledges it then. */
  @EventPattern(UPLINK_PATTERN)
  handle(@Payload() msg: InboundMessage): Promise<void> {
    return this.ingest.handle(msg);
  }
}
