// MQTT.js round trip against a running broker: subscribe at QoS 1, publish at QoS 1 to the
// same topic, receive it back. Usage: node roundtrip.js URL (mqtt://127.0.0.1:PORT, or a
// ws:// URL for the WebSocket listener). Prints "round trip ok" and exits 0, or exits 1.
const mqtt = require('mqtt');

const url = process.argv[2];
const topic = 'e2e/mqttjs';
const payload = 'from mqtt.js';

function fail(why) {
  console.error('mqtt.js: ' + why);
  process.exit(1);
}

const timer = setTimeout(() => fail('no round trip within 10 s'), 10000);
const client = mqtt.connect(url, {
  clientId: 'mqttjs-e2e',
  protocolVersion: 4,
  clean: true,
  connectTimeout: 5000,
  reconnectPeriod: 0, // a failed connection fails the test instead of retrying
});
client.on('error', (err) => fail(err.message));
client.on('connect', () => {
  client.subscribe(topic, { qos: 1 }, (err, granted) => {
    if (err) fail('subscribe: ' + err.message);
    if (granted[0].qos !== 1) fail('granted QoS ' + granted[0].qos);
    client.publish(topic, payload, { qos: 1 }, (err) => err && fail('publish: ' + err.message));
  });
});
client.on('message', (receivedTopic, message, packet) => {
  if (receivedTopic !== topic || message.toString() !== payload || packet.qos !== 1) {
    fail(`unexpected message on ${receivedTopic} at QoS ${packet.qos}: ${message}`);
  }
  clearTimeout(timer);
  console.log('round trip ok');
  client.end(false, () => process.exit(0));
});
