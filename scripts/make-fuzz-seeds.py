#!/usr/bin/env python3
"""Writes the seed corpora of the MQTT fuzz tests (see docs/FUZZING.md).

Each seed is one mode byte (bit 0: the test sends a valid CONNECT first; bit 1: an hour of
scheduled time passes after the bytes; bits 2-7: chunk size, 0 = one read) followed by the
bytes a client sends. Run from the repository root; it rewrites the seed-*.bin files.
"""
import os
import struct

ROOT = "broker-core/src/test/resources/io/starling"
DIRS = [f"{ROOT}/protocol/MqttDecoderFuzzTestInputs/decode",
        f"{ROOT}/transport/MqttConnectionFuzzTestInputs/connection"]


def remaining_length(n):
    out = bytearray()
    while True:
        digit = n % 128
        n //= 128
        out.append(digit | (0x80 if n else 0))
        if not n:
            return bytes(out)


def s(text):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return struct.pack(">H", len(data)) + data


def packet(first, body):
    return bytes([first]) + remaining_length(len(body)) + body


def credentials(flags, payload, user, password):
    """Adds user name and password (when given) to CONNECT flags and payload."""
    if user is not None:
        flags |= 0x80
        payload += s(user)
    if password is not None:
        flags |= 0x40
        payload += s(password)
    return flags, payload


def connect(client_id="seed", clean=True, keep_alive=60, will=None, user=None, password=None,
            name="MQTT", level=4):
    flags = (0x02 if clean else 0)
    payload = s(client_id)
    if will:
        topic, message, qos, retain = will
        flags |= 0x04 | (qos << 3) | (0x20 if retain else 0)
        payload += s(topic) + s(message)
    flags, payload = credentials(flags, payload, user, password)
    return packet(0x10, s(name) + bytes([level, flags]) + struct.pack(">H", keep_alive) + payload)


def publish(topic, message, qos=0, packet_id=1, retain=False, dup=False):
    first = 0x30 | (qos << 1) | (1 if retain else 0) | (0x08 if dup else 0)
    body = s(topic) + (struct.pack(">H", packet_id) if qos else b"") + message
    return packet(first, body)


def ack(kind, packet_id):
    first = {"puback": 0x40, "pubrec": 0x50, "pubrel": 0x62, "pubcomp": 0x70}[kind]
    return packet(first, struct.pack(">H", packet_id))


def subscribe(packet_id, *filters):
    return packet(0x82, struct.pack(">H", packet_id) + b"".join(s(f) + bytes([q]) for f, q in filters))


def unsubscribe(packet_id, *filters):
    return packet(0xA2, struct.pack(">H", packet_id) + b"".join(s(f) for f in filters))


def vbi(n):
    return remaining_length(n)


def props(*items):
    """An MQTT 5 properties section from (identifier, encoded value) pairs."""
    body = b"".join(bytes([pid]) + value for pid, value in items)
    return vbi(len(body)) + body


def u16(n):
    return struct.pack(">H", n)


def u32(n):
    return struct.pack(">I", n)


def connect5(client_id="seed5", clean=True, keep_alive=60, properties=props(), will=None, user=None,
             password=None):
    flags = (0x02 if clean else 0)
    payload = s(client_id)
    if will:
        topic, message, qos, retain, will_properties = will
        flags |= 0x04 | (qos << 3) | (0x20 if retain else 0)
        payload += will_properties + s(topic) + s(message)
    flags, payload = credentials(flags, payload, user, password)
    return packet(0x10, s("MQTT") + bytes([5, flags]) + u16(keep_alive) + properties + payload)


def publish5(topic, message, qos=0, packet_id=1, properties=props(), retain=False):
    first = 0x30 | (qos << 1) | (1 if retain else 0)
    return packet(first, s(topic) + (u16(packet_id) if qos else b"") + properties + message)


def subscribe5(packet_id, properties, *filters):
    return packet(0x82, u16(packet_id) + properties + b"".join(s(f) + bytes([o]) for f, o in filters))


USER = 0x26


def user(key, value):
    return (USER, s(key) + s(value))


PINGREQ = bytes([0xC0, 0])
DISCONNECT = bytes([0xE0, 0])

WHOLE, PREFIX, TIME = 0, 1, 2


def chunks(size):
    return size << 2


SEEDS = {
    "connect": (WHOLE, connect() + PINGREQ + DISCONNECT),
    "connect-31-will-user-password": (WHOLE, connect(name="MQIsdp", level=3, will=("wills/seed", b"gone", 1, True),
                                                      user="user", password=b"secret")),
    "publish-qos0": (PREFIX, publish("a/b", b"hello", qos=0)),
    "publish-qos1-retained": (PREFIX, publish("a/b", b"kept", qos=1, packet_id=7, retain=True)),
    "publish-qos2-pubrel": (PREFIX, publish("a/b", b"exactly once", qos=2, packet_id=9) + ack("pubrel", 9)),
    "subscribe-publish-acks": (PREFIX, subscribe(1, ("a/#", 2), ("+/b", 1), ("c", 0))
                               + publish("a/b", b"to myself", qos=2, packet_id=2) + ack("pubrel", 2)
                               + ack("pubrec", 1) + ack("pubcomp", 1) + ack("puback", 2)
                               + unsubscribe(3, "a/#", "c") + PINGREQ + DISCONNECT),
    "persistent-session-queue": (WHOLE, connect("persist", clean=False, will=("w", b"bye", 2, False))
                                 + subscribe(1, ("q/#", 1)) + b"".join(publish("q/x", bytes([i]), 1, 10 + i)
                                                                      for i in range(12))),
    "chunked-1-byte": (PREFIX | chunks(1), subscribe(5, ("x", 1)) + publish("x", b"split", qos=1, packet_id=3)),
    "truncated-connect": (WHOLE, connect()[:9]),
    "truncated-publish-timeout": (PREFIX | TIME, publish("a/b", b"never complete", qos=1)[:-4]),
    "no-connect-timeout": (TIME, b"\x10"),
    "bad-remaining-length": (WHOLE, bytes([0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x01])),
    "oversize-publish": (PREFIX, bytes([0x30]) + remaining_length(2 * 1024 * 1024) + s("big") + b"x" * 64),
    "invalid-utf8-topic": (PREFIX, publish(b"a/\xc3\x28", b"bad topic")),
    "nul-in-client-id": (WHOLE, connect("se\x00ed")),
    "unsupported-level": (WHOLE, connect(level=6)),
    "mqtt5-connect-no-properties": (WHOLE, connect(level=5)),
    "mqtt5-session": (WHOLE, connect5(properties=props((0x11, u32(60)), (0x21, u16(4)), (0x27, u32(2048)),
                                                       (0x22, u16(5)), (0x17, b"\x01"), (0x19, b"\x01"),
                                                       user("a", "1"), user("a", "2")),
                                      will=("w5", b"bye", 1, False, props((0x18, u32(5)), (0x01, b"\x01"),
                                                                          (0x03, s("text/plain")))),
                                      user="u", password=b"p")
                      + subscribe5(1, props((0x0B, vbi(42)), user("s", "1")), ("a/#", 0x2E), ("b", 0x01))
                      + publish5("a/b", b"hi", 1, 2, props((0x23, u16(3)), (0x02, u32(30)), (0x08, s("reply")),
                                                           (0x09, s(b"\x01\x02")), user("k", "v")))
                      + publish5("", b"alias", 1, 3, props((0x23, u16(3))))
                      + packet(0x40, u16(1) + b"\x10" + props((0x1F, s("why"))))
                      + packet(0x62, u16(2) + b"\x92")
                      + packet(0xA2, u16(4) + props() + s("a/#"))
                      + packet(0xF0, b"\x19" + props((0x15, s("m")), (0x16, s(b"d"))))
                      + PINGREQ + packet(0xE0, b"\x04" + props((0x11, u32(0)))),
                      ),
    "mqtt5-duplicate-property": (WHOLE, connect5() + publish5("t", b"x", properties=props((0x03, s("a")),
                                                                                         (0x03, s("b"))))),
    "mqtt5-topic-alias-zero": (WHOLE, connect5() + publish5("t", b"x", properties=props((0x23, u16(0))))),
    "mqtt5-wrong-packet-property": (WHOLE, connect5(properties=props((0x18, u32(1))))),
    "mqtt5-bad-utf8-property": (WHOLE, connect5() + publish5("t", b"x", properties=props((0x08, s(b"\xed\xa0\x80"))))),
    "mqtt5-chunked": (chunks(3), connect5() + subscribe5(1, props(), ("x", 0x05))
                      + publish5("x", b"y", 1, 2, props(user("o", "1"))) + bytes([0xE0, 0])),
    "empty-client-id-persistent": (WHOLE, connect("", clean=False)),
    "second-connect": (PREFIX, connect("again")),
    "subscribe-bad-qos": (PREFIX, subscribe(1, ("a", 3))),
    "publish-wildcard-topic": (PREFIX, publish("a/#", b"no", qos=1)),
    "bad-flags-and-server-packet": (PREFIX, bytes([0x20, 2, 0, 0]) + bytes([0x81, 0])),
}

for directory in DIRS:
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.startswith("seed-"):
            os.remove(os.path.join(directory, name))
    for name, (mode, data) in SEEDS.items():
        with open(os.path.join(directory, f"seed-{name}.bin"), "wb") as f:
            f.write(bytes([mode]) + data)
print(f"{len(SEEDS)} seeds in each of {len(DIRS)} directories")
