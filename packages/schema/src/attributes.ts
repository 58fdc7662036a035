// Attribute schemas for security events. Names are OpenTelemetry semantic-convention names wherever
// one exists (semconv v1.44); ours live under logward.*. In Loki, dots become underscores
// (user.id → structured metadata user_id).
import { z } from 'zod';

/**
 * Registry that carries the JSON Schema id and description of every attribute and event schema.
 * Kept local (not zod's global registry) so loading this module twice can never clash on ids.
 */
export const schemaRegistry = z.registry<{ id?: string; title?: string; description?: string }>();

function attribute<S extends z.ZodType>(name: string, schema: S, description: string): S {
  schemaRegistry.add(schema, { id: name, description });
  return schema;
}

const port = () => z.int().min(0).max(65535);
const nonEmpty = () => z.string().min(1);
const count = () => z.int().min(0);

/** Attributes any security event may carry (request and connection context). */
export const commonAttributes = {
  'user.id': attribute(
    'user.id',
    nonEmpty(),
    'Actor identity, taken from verified server-side auth state (never from request fields).',
  ),
  'session.id': attribute(
    'session.id',
    nonEmpty(),
    'Session identifier as a keyed HMAC hash (the context processor hashes it); never the raw cookie value.',
  ),
  'client.address': attribute(
    'client.address',
    nonEmpty(),
    'Client address; behind proxies the original client, not the proxy (semconv client.address).',
  ),
  'client.port': attribute('client.port', port(), 'Client port.'),
  'server.address': attribute('server.address', nonEmpty(), 'Server address or host name.'),
  'server.port': attribute('server.port', port(), 'Server port.'),
  'network.transport': attribute(
    'network.transport',
    z.enum(['tcp', 'udp', 'pipe', 'unix', 'quic']),
    'OSI transport layer.',
  ),
  'http.request.method': attribute(
    'http.request.method',
    nonEmpty(),
    'HTTP request method (GET, POST, ...).',
  ),
  'url.path': attribute('url.path', z.string(), 'URI path of the request.'),
  'http.route': attribute(
    'http.route',
    z.string(),
    'Matched route template (low cardinality), e.g. /users/:id.',
  ),
  'http.response.status_code': attribute(
    'http.response.status_code',
    z.int().min(100).max(599),
    'HTTP response status code.',
  ),
  'error.type': attribute(
    'error.type',
    nonEmpty(),
    'Class of error the operation ended with (semconv error.type).',
  ),
  'user_agent.original': attribute('user_agent.original', z.string(), 'Value of the User-Agent header.'),
  'logward.request.id': attribute(
    'logward.request.id',
    nonEmpty(),
    'Request id that links all events of one interaction.',
  ),
} as const;

// Event-specific attributes, shared between events where the meaning is the same.
export const specificAttributes = {
  'logward.authn.method': attribute(
    'logward.authn.method',
    nonEmpty(),
    'Authentication method: password, oidc, api_key, mfa, ...',
  ),
  'logward.authn.retries': attribute(
    'logward.authn.retries',
    count(),
    'Failed attempts before this success.',
  ),
  'logward.authn.max_limit': attribute(
    'logward.authn.max_limit',
    count(),
    'Configured maximum of failed attempts.',
  ),
  'logward.authn.lock_reason': attribute(
    'logward.authn.lock_reason',
    z.enum(['maxretries', 'suspicious', 'customer', 'other']),
    'Why the account was locked (OWASP reasons).',
  ),
  'logward.authn.from_region': attribute(
    'logward.authn.from_region',
    nonEmpty(),
    'Region of the previous login.',
  ),
  'logward.authn.to_region': attribute('logward.authn.to_region', nonEmpty(), 'Region of this login.'),
  'logward.token.id': attribute('logward.token.id', nonEmpty(), 'Token identifier (never the token itself).'),
  'logward.token.entitlements': attribute(
    'logward.token.entitlements',
    z.array(z.string()),
    'Entitlements granted to the token.',
  ),
  'logward.app.id': attribute('logward.app.id', nonEmpty(), 'Application whose token was deleted.'),
  'logward.authz.resource': attribute(
    'logward.authz.resource',
    nonEmpty(),
    'Resource the actor tried to reach.',
  ),
  'logward.admin.action': attribute('logward.admin.action', nonEmpty(), 'Administrative action performed.'),
  'logward.privilege.target_user': attribute(
    'logward.privilege.target_user',
    nonEmpty(),
    'User whose privileges changed.',
  ),
  'logward.privilege.object': attribute(
    'logward.privilege.object',
    nonEmpty(),
    'File or object whose permissions changed.',
  ),
  'logward.privilege.old_role': attribute(
    'logward.privilege.old_role',
    nonEmpty(),
    'Role or permission level before.',
  ),
  'logward.privilege.new_role': attribute(
    'logward.privilege.new_role',
    nonEmpty(),
    'Role or permission level after.',
  ),
  'logward.rate_limit.max': attribute('logward.rate_limit.max', count(), 'Limit that was exceeded.'),
  'file.name': attribute('file.name', nonEmpty(), 'Name of the file (semconv file.name).'),
  'logward.upload.type': attribute('logward.upload.type', nonEmpty(), 'Declared content type of the upload.'),
  'logward.upload.from': attribute('logward.upload.from', nonEmpty(), 'Where the upload was received.'),
  'logward.upload.to': attribute('logward.upload.to', nonEmpty(), 'Where the upload was stored.'),
  'logward.upload.file_id': attribute('logward.upload.file_id', nonEmpty(), 'Identifier of the stored file.'),
  'logward.upload.validator': attribute(
    'logward.upload.validator',
    nonEmpty(),
    'Validation run: virusscan, imagemagick, ...',
  ),
  'logward.upload.result': attribute(
    'logward.upload.result',
    z.enum(['FAILED', 'incomplete', 'passed']),
    'Validation result (OWASP spelling); FAILED raises the level to CRITICAL.',
  ),
  'logward.input.fields': attribute(
    'logward.input.fields',
    z.array(z.string()),
    'Input fields that failed validation.',
  ),
  'logward.input.field': attribute(
    'logward.input.field',
    nonEmpty(),
    'Input field holding a value outside its allowed set.',
  ),
  'logward.input.name': attribute('logward.input.name', nonEmpty(), 'Unexpected input name the client sent.'),
  'logward.attack.tool': attribute(
    'logward.attack.tool',
    nonEmpty(),
    'Attack tool detected (e.g. from the user agent).',
  ),
  'http.request.header.referer': attribute(
    'http.request.header.referer',
    z.array(z.string()),
    'Referer header values (semconv header attributes are string arrays).',
  ),
  'logward.sensitive.object': attribute(
    'logward.sensitive.object',
    nonEmpty(),
    'Sensitive file or object touched.',
  ),
  'logward.session.reason': attribute(
    'logward.session.reason',
    nonEmpty(),
    'Why the session ended: logout, timeout, revoked, ...',
  ),
  'logward.sys.reason': attribute('logward.sys.reason', nonEmpty(), 'Reason of the crash.'),
  'logward.sys.monitor': attribute('logward.sys.monitor', nonEmpty(), 'Monitor that was switched.'),
  'logward.user.target_id': attribute('logward.user.target_id', nonEmpty(), 'User the action applied to.'),
  'logward.user.changed_attributes': attribute(
    'logward.user.changed_attributes',
    z.array(z.string()),
    'Names (not values) of the user attributes set or changed.',
  ),
  'logward.kcp.conv': attribute(
    'logward.kcp.conv',
    z.int().min(0).max(0xffffffff),
    'KCP conversation id (uint32).',
  ),
  'logward.kcp.connection_id': attribute(
    'logward.kcp.connection_id',
    nonEmpty(),
    'Connection id assigned by the server.',
  ),
  'logward.kcp.outcome': attribute(
    'logward.kcp.outcome',
    z.enum(['success', 'failure']),
    'Outcome of the connection.',
  ),
  'logward.kcp.duration_ms': attribute(
    'logward.kcp.duration_ms',
    z.number().min(0),
    'Connection lifetime in ms.',
  ),
  'logward.kcp.rtt_ms': attribute('logward.kcp.rtt_ms', z.number().min(0), 'Smoothed round-trip time in ms.'),
  'logward.kcp.retransmits': attribute('logward.kcp.retransmits', count(), 'Segments retransmitted.'),
  'logward.kcp.active_sessions': attribute(
    'logward.kcp.active_sessions',
    count(),
    'Sessions open when the event happened.',
  ),
  'logward.kcp.session_limit': attribute('logward.kcp.session_limit', count(), 'Configured session limit.'),
  'logward.kcp.input_code': attribute(
    'logward.kcp.input_code',
    z.int(),
    'Return code of ikcp_input (-1 conv mismatch, -2 bad length, -3 unknown command).',
  ),
} as const;

// KCP reasons differ per event, so each event gets its own enum under the same attribute name.
export const kcpReasons = {
  kcp_conn_failed: ['handshake_timeout', 'handshake_rejected'],
  kcp_conn_closed: [
    'peer_close',
    'local_close',
    'idle_timeout',
    'dead_link',
    'socket_error',
    'session_replaced',
  ],
  kcp_input_rejected: ['conv_mismatch', 'bad_length', 'unknown_command', 'short_packet'],
} as const;

export function kcpReason<E extends keyof typeof kcpReasons>(event: E) {
  const schema = z.enum(kcpReasons[event]);
  schemaRegistry.add(schema, { id: `logward.kcp.reason(${event})`, description: `Why ${event} happened.` });
  return schema;
}
