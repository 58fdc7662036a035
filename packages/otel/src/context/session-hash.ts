// session.id is written only as a keyed hash (OWASP: "consider replacing with a hashed value if needed
// to track session specific events"). HMAC rather than a plain hash so nobody can confirm a guessed or
// stolen session id against the logs without the key.
import { createHmac, createSecretKey, randomBytes } from 'node:crypto';
import { diag } from '@opentelemetry/api';

export const minimumKeyBytes = 32;

export type SessionHasher = (sessionId: string) => string;

/**
 * HMAC-SHA256 of the session id, hex, first 128 bits (enough to correlate events of one session).
 * With no key, a random per-process key is used and a warning logged: hashes then correlate only within
 * one process (an Egg cluster runs several), so production should pass a key shared by all workers.
 */
export function createSessionHasher(key?: string | Uint8Array): SessionHasher {
  let secret: Uint8Array;
  if (key === undefined) {
    diag.warn(
      '@logward/otel: no sessionIdKey (or LOGWARD_SESSION_HASH_KEY) given; session.id hashes use a random ' +
        'per-process key and will not correlate across processes',
    );
    secret = randomBytes(minimumKeyBytes);
  } else {
    secret = typeof key === 'string' ? Buffer.from(key, 'utf8') : key;
    if (secret.byteLength < minimumKeyBytes) {
      throw new RangeError(
        `sessionIdKey: must be at least ${minimumKeyBytes} bytes, got ${secret.byteLength}`,
      );
    }
  }
  // Importing the key once matters: createHmac with raw bytes re-imports the key on every call, which
  // was 90% of the processor's cost per record. Requests log several records per session, so recent
  // hashes are cached too (bounded; the raw ids are in this process's memory anyway).
  const keyObject = createSecretKey(secret);
  const recent = new Map<string, string>();
  return (sessionId) => {
    let hash = recent.get(sessionId);
    if (hash === undefined) {
      hash = createHmac('sha256', keyObject).update(sessionId, 'utf8').digest('hex').slice(0, 32);
      if (recent.size >= cacheSize) recent.delete(recent.keys().next().value!);
      recent.set(sessionId, hash);
    }
    return hash;
  };
}

const cacheSize = 1024;
