/**
 * The raw ceiling of a broker: an mqtt.js subscriber that only counts QoS 1 messages
 * (mqtt.js acknowledges each as it is parsed). Run as its own process by the ingest
 * benchmark, like ingest is, so that both compete for the same cores the same way.
 * argv: url username password filter expected — prints `ready`, then `done <ms since first> <count> <own CPU s>`
 * once it has `expected` messages (0: never), and `count <n>` every second.
 */
import mqtt from 'mqtt';

const [url, username, password, filter, expectedText] = process.argv.slice(2);
const expected = Number(expectedText);
const client = mqtt.connect(url!, {
  clientId: `hv:bench-counter-${process.pid}`, // the services' namespace: the embedded broker refuses any other for the service account
  clean: true,
  protocolVersion: 4,
  username: username || undefined,
  password: password || undefined,
  reconnectPeriod: 0,
});
let count = 0;
let first = 0;
client.on('message', () => {
  if (count++ === 0) first = Date.now();
  if (count === expected) {
    const cpu = process.cpuUsage();
    console.log(`done ${Date.now() - first} ${count} ${(cpu.user + cpu.system) / 1e6}`);
    void client.endAsync().then(() => process.exit(0));
  }
});
client.on('connect', () => {
  client.subscribe(filter!, { qos: 1 }, (error) => {
    if (error) {
      console.error(`subscribe failed: ${error.message}`);
      process.exit(1);
    }
    console.log('ready');
  });
});
client.on('error', (error) => {
  console.error(`counter: ${error.message}`);
  process.exit(1);
});
setInterval(() => console.log(`count ${count}`), 1000).unref();
