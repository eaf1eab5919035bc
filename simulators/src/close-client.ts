import type { MqttClient } from 'mqtt';

/** Default bound of a graceful close (DISCONNECT after the last PUBACK), ms. */
export const CLOSE_TIMEOUT_MS = 2_000;

/**
 * Closes an mqtt.js client within `timeoutMs`, whatever the state of its connection.
 *
 * mqtt.js's `end()` without `force` waits for every QoS 1 publish in flight to be
 * acknowledged (its 'outgoingEmpty' event). Once the connection is lost and reconnection
 * is off (the simulators' default), no PUBACK can come and `endAsync()` never resolves:
 * `npm start`'s Ctrl-C waited on it forever. A lost connection is therefore ended with
 * force at once (what it held is lost with it: it was never acknowledged), and a live one
 * gracefully, then by destroying its socket if the broker has not answered in time.
 */
export async function closeClient(client: MqttClient, timeoutMs = CLOSE_TIMEOUT_MS): Promise<void> {
  if (!client.connected) {
    await client.endAsync(true);
    return;
  }
  let timer: NodeJS.Timeout | undefined;
  const graceful = client.endAsync().then(() => true);
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
  const closed = await Promise.race([graceful, late]).finally(() => clearTimeout(timer));
  // end() already marked the client as disconnecting, so a second end(true) would return
  // at once without closing anything: destroy the socket instead.
  if (!closed) client.stream?.destroy();
}
