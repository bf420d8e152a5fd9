// A minimal MQTT 3.1.1 client over WebSocket for the dashboard's MQTT page: CONNECT, SUBSCRIBE,
// PUBLISH at QoS 0 and 1 (PUBACK both ways), PINGREQ for keep alive. Nothing else is needed here.
"use strict";
class MiniMqtt {
  constructor(url, options) {
    this.url = url;
    this.options = options; // {clientId, username, password, keepAlive}
    this.nextId = 1;
    this.buffer = new Uint8Array(0);
    this.onmessage = () => {};
    this.onstate = () => {};
    this.pending = new Map(); // packet id -> resolve (SUBACK, PUBACK)
  }

  static utf8(text) { return new TextEncoder().encode(text); }

  static string(text) {
    const bytes = MiniMqtt.utf8(text);
    return [bytes.length >> 8, bytes.length & 255, ...bytes];
  }

  static packet(type, flags, body) {
    const header = [(type << 4) | flags];
    let length = body.length;
    do {
      let digit = length % 128;
      length = Math.floor(length / 128);
      if (length > 0) digit |= 128;
      header.push(digit);
    } while (length > 0);
    return new Uint8Array([...header, ...body]);
  }

  connect() {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(this.url, ["mqtt"]);
      ws.binaryType = "arraybuffer";
      this.ws = ws;
      this.connected = { resolve, reject };
      ws.onopen = () => {
        const o = this.options;
        let flags = 0x02; // clean session
        const payload = [...MiniMqtt.string(o.clientId)];
        if (o.username) { flags |= 0x80; payload.push(...MiniMqtt.string(o.username)); }
        if (o.username && o.password) { flags |= 0x40; payload.push(...MiniMqtt.string(o.password)); }
        const keepAlive = o.keepAlive || 30;
        const body = [...MiniMqtt.string("MQTT"), 4, flags, keepAlive >> 8, keepAlive & 255, ...payload];
        ws.send(MiniMqtt.packet(1, 0, body));
        this.pinger = setInterval(() => this.send(MiniMqtt.packet(12, 0, [])), keepAlive * 500);
      };
      ws.onmessage = (event) => this.receive(new Uint8Array(event.data));
      ws.onerror = () => reject(new Error("WebSocket error"));
      ws.onclose = () => {
        clearInterval(this.pinger);
        this.onstate("disconnected");
        reject(new Error("connection closed"));
      };
    });
  }

  send(bytes) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(bytes);
  }

  receive(chunk) {
    const joined = new Uint8Array(this.buffer.length + chunk.length);
    joined.set(this.buffer); joined.set(chunk, this.buffer.length);
    this.buffer = joined;
    for (;;) {
      let length = 0, multiplier = 1, i = 1, digit;
      do {
        if (i >= this.buffer.length) return;
        digit = this.buffer[i++];
        length += (digit & 127) * multiplier;
        multiplier *= 128;
      } while (digit & 128);
      if (this.buffer.length < i + length) return;
      this.handle(this.buffer[0], this.buffer.subarray(i, i + length));
      this.buffer = this.buffer.slice(i + length);
    }
  }

  handle(first, body) {
    const type = first >> 4;
    const id = body.length >= 2 ? (body[0] << 8) | body[1] : 0;
    if (type === 2) { // CONNACK
      if (body[1] === 0) { this.onstate("connected"); this.connected.resolve(); }
      else { this.connected.reject(new Error("CONNACK return code " + body[1])); this.ws.close(); }
    } else if (type === 3) { // PUBLISH
      const qos = (first >> 1) & 3;
      const topicLength = (body[0] << 8) | body[1];
      const topic = new TextDecoder().decode(body.subarray(2, 2 + topicLength));
      let offset = 2 + topicLength;
      if (qos > 0) {
        const packetId = (body[offset] << 8) | body[offset + 1];
        offset += 2;
        this.send(MiniMqtt.packet(4, 0, [packetId >> 8, packetId & 255]));
      }
      this.onmessage(topic, new TextDecoder().decode(body.subarray(offset)), qos, (first & 1) === 1);
    } else if (type === 4 || type === 9) { // PUBACK, SUBACK
      const done = this.pending.get(id);
      this.pending.delete(id);
      if (done) done(type === 9 ? body[2] : 0);
    }
  }

  packetId() {
    const id = this.nextId;
    this.nextId = this.nextId % 65535 + 1;
    return id;
  }

  /** Resolves with the granted QoS (128: refused). */
  subscribe(filter, qos) {
    const id = this.packetId();
    const done = new Promise((resolve) => this.pending.set(id, resolve));
    this.send(MiniMqtt.packet(8, 2, [id >> 8, id & 255, ...MiniMqtt.string(filter), qos]));
    return done;
  }

  /** Resolves when sent (QoS 0) or acknowledged (QoS 1). */
  publish(topic, text, qos, retain) {
    const body = [...MiniMqtt.string(topic)];
    let done = Promise.resolve();
    if (qos > 0) {
      const id = this.packetId();
      body.push(id >> 8, id & 255);
      done = new Promise((resolve) => this.pending.set(id, resolve));
    }
    body.push(...MiniMqtt.utf8(text));
    this.send(MiniMqtt.packet(3, (qos << 1) | (retain ? 1 : 0), body));
    return done;
  }

  disconnect() {
    this.send(MiniMqtt.packet(14, 0, []));
    if (this.ws) this.ws.close();
  }
}
