// TLS the TDS way: the handshake travels inside PRELOGIN messages, then TDS packets travel inside
// TLS on the bare socket. tedious sends one PRELOGIN message per handshake flight and waits for
// exactly one message back holding the server's whole flight, so the server must know where its
// flight ends. Node gives no reliable event for that (its `secure` event fires before the last
// flight is written), so the outgoing TLS records are read: a flight ends with ServerHelloDone,
// with the encrypted Finished after ChangeCipherSpec (the last flight), or with an alert.
// TLS is capped at 1.2: TLS 1.3 sends tickets after the handshake, outside any flight.
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';

const RECORD = { CHANGE_CIPHER_SPEC: 0x14, ALERT: 0x15, HANDSHAKE: 0x16 } as const;
const SERVER_HELLO_DONE = 14;

export interface TlsBridge {
  /** Handshake bytes from a client PRELOGIN message. */
  handshake(bytes: Buffer): void;
  /** Raw bytes from the socket once the handshake is over (TLS records). */
  encrypted(bytes: Buffer): void;
  /** Sends cleartext (TDS packets) through TLS; `then` runs once it is on its way to the socket. False: wait for `onDrain` before writing more. */
  write(bytes: Buffer, then?: () => void): boolean;
  /** Runs `fn` once what was written has gone on to the socket (the socket's own backpressure included). */
  onDrain(fn: () => void): void;
  destroy(): void;
}

export interface TlsBridgeEvents {
  /** One server flight, to send as one PRELOGIN message. */
  flight(bytes: Buffer, last: boolean): void;
  /** Encrypted bytes after the handshake, for the socket as they are; `written` once the socket takes more. */
  raw(bytes: Buffer, written: () => void): void;
  /** Decrypted bytes from the client (TDS packets). */
  cleartext(bytes: Buffer): void;
  error(error: Error): void;
}

export function createTlsBridge(context: tls.SecureContext, events: TlsBridgeEvents): TlsBridge {
  let handshaking = true;
  let flight: Buffer[] = [];
  let unparsed: Buffer = Buffer.alloc(0); // outgoing bytes not yet split into whole records
  let handshakeBytes: Buffer = Buffer.alloc(0); // plaintext handshake messages not yet parsed
  let sawChangeCipherSpec = false;

  const endOfFlight = (last: boolean) => {
    const bytes = Buffer.concat(flight);
    flight = [];
    if (last) handshaking = false;
    events.flight(bytes, last);
  };

  const scan = (chunk: Buffer) => {
    unparsed = Buffer.concat([unparsed, chunk]);
    while (unparsed.length >= 5) {
      const length = unparsed.readUInt16BE(3);
      if (unparsed.length < 5 + length) return;
      const type = unparsed[0];
      const fragment = unparsed.subarray(5, 5 + length);
      unparsed = unparsed.subarray(5 + length);
      if (type === RECORD.ALERT) return endOfFlight(false);
      if (type === RECORD.CHANGE_CIPHER_SPEC) {
        sawChangeCipherSpec = true;
        continue;
      }
      if (type !== RECORD.HANDSHAKE) continue;
      if (sawChangeCipherSpec) return endOfFlight(true); // the encrypted Finished
      handshakeBytes = Buffer.concat([handshakeBytes, fragment]);
      while (handshakeBytes.length >= 4) {
        const size = handshakeBytes.readUIntBE(1, 3);
        if (handshakeBytes.length < 4 + size) break;
        const messageType = handshakeBytes[0];
        handshakeBytes = handshakeBytes.subarray(4 + size);
        if (messageType === SERVER_HELLO_DONE) return endOfFlight(false);
      }
    }
  };

  const wire = new Duplex({
    read() {},
    write(chunk: Buffer, _encoding, callback) {
      if (handshaking) {
        flight.push(chunk);
        scan(chunk);
        callback();
      } else events.raw(chunk, () => callback()); // the socket's backpressure reaches the TLS socket's writers
    },
  });
  const socket = new tls.TLSSocket(wire as unknown as import('node:net').Socket, { isServer: true, secureContext: context });
  socket.on('data', (b: Buffer) => events.cleartext(b));
  socket.on('error', (e) => events.error(e));
  wire.on('error', (e) => events.error(e));

  return {
    handshake: (bytes) => {
      wire.push(bytes);
    },
    encrypted: (bytes) => {
      wire.push(bytes);
    },
    write: (bytes, then) => socket.write(bytes, () => then?.()),
    onDrain: (fn) => {
      socket.once('drain', fn);
    },
    destroy: () => {
      socket.destroy();
      wire.destroy();
    },
  };
}
