// The security-event taxonomy: the complete OWASP Logging Vocabulary (OWASP/CheatSheetSeries
// cheatsheets/Logging_Vocabulary_Cheat_Sheet.md at commit 121bb56, 49 events; levels changed between
// sheet versions, so this pins that version) plus logward's KCP connection events.
// This is the only place that defines the taxonomy; everything else imports it.
//
// OWASP puts arguments into the event string (authn_login_fail:joebob1). OTel semconv forbids
// dynamic values in event names, so the bare name is the LogRecord eventName and the arguments
// become typed attributes.
import type { z } from 'zod';
import type { SecurityLevel } from './levels.ts';
import { kcpReason, specificAttributes as a } from './attributes.ts';

export const eventCategories = [
  'authn',
  'authz',
  'crypt',
  'excess',
  'upload',
  'input_validation',
  'malicious',
  'privilege',
  'sensitive',
  'sequence',
  'session',
  'sys',
  'user',
  'kcp',
] as const;
export type EventCategory = (typeof eventCategories)[number];

/** Raises the level when an attribute has a given value (OWASP: upload_validation is CRITICAL on FAILED). */
export interface LevelEscalation {
  attribute: string;
  equals: string;
  level: SecurityLevel;
}

export interface EventDefinition<S extends z.ZodRawShape = z.ZodRawShape> {
  category: EventCategory;
  defaultLevel: SecurityLevel;
  description: string;
  /** Event-specific attributes; every event also accepts `commonAttributes`. */
  attributes: S;
  /** The OWASP sheet's signature, for reference (absent for logward's own events). */
  owasp?: string;
  escalation?: LevelEscalation;
}

function event<S extends z.ZodRawShape>(definition: EventDefinition<S>): EventDefinition<S> {
  return definition;
}

// client.*, server.* and network.transport ('udp') come from the common attributes.
const kcpPeer = {
  'logward.kcp.conv': a['logward.kcp.conv'],
  'logward.kcp.connection_id': a['logward.kcp.connection_id'],
};

export const eventDefinitions = {
  // --- Authentication [AUTHN]
  authn_login_success: event({
    category: 'authn',
    defaultLevel: 'INFO',
    description: 'A user logged in successfully.',
    owasp: 'authn_login_success[:userid]',
    attributes: { 'logward.authn.method': a['logward.authn.method'] },
  }),
  authn_login_successafterfail: event({
    category: 'authn',
    defaultLevel: 'INFO',
    description: 'A user logged in successfully after previous failures.',
    owasp: 'authn_login_successafterfail[:userid,retries]',
    attributes: {
      'logward.authn.method': a['logward.authn.method'],
      'logward.authn.retries': a['logward.authn.retries'],
    },
  }),
  authn_login_fail: event({
    category: 'authn',
    defaultLevel: 'WARN',
    description: 'A login attempt failed.',
    owasp: 'authn_login_fail[:userid]',
    attributes: { 'logward.authn.method': a['logward.authn.method'] },
  }),
  authn_login_fail_max: event({
    category: 'authn',
    defaultLevel: 'WARN',
    description: 'A user reached the maximum number of failed logins.',
    owasp: 'authn_login_fail_max[:userid,maxlimit(int)]',
    attributes: { 'logward.authn.max_limit': a['logward.authn.max_limit'] },
  }),
  authn_login_lock: event({
    category: 'authn',
    defaultLevel: 'WARN',
    description: 'An account was locked (max retries, suspicious activity, customer request, other).',
    owasp: 'authn_login_lock[:userid,reason]',
    attributes: { 'logward.authn.lock_reason': a['logward.authn.lock_reason'] },
  }),
  authn_password_change: event({
    category: 'authn',
    defaultLevel: 'INFO',
    description: 'A user changed their password.',
    owasp: 'authn_password_change[:userid]',
    attributes: {},
  }),
  authn_password_change_fail: event({
    category: 'authn',
    defaultLevel: 'CRITICAL',
    description: 'A password change failed.',
    owasp: 'authn_password_change_fail[:userid]',
    attributes: {},
  }),
  authn_impossible_travel: event({
    category: 'authn',
    defaultLevel: 'CRITICAL',
    description: 'A user logged in from two regions too far apart for the time between.',
    owasp: 'authn_impossible_travel[:userid,region1,region2]',
    attributes: {
      'logward.authn.from_region': a['logward.authn.from_region'],
      'logward.authn.to_region': a['logward.authn.to_region'],
    },
  }),
  authn_token_created: event({
    category: 'authn',
    defaultLevel: 'INFO',
    description: 'A token was created.',
    owasp: 'authn_token_created[:userid, entitlement(s)]',
    attributes: { 'logward.token.entitlements': a['logward.token.entitlements'] },
  }),
  authn_token_revoked: event({
    category: 'authn',
    defaultLevel: 'INFO',
    description: 'A token was revoked.',
    owasp: 'authn_token_revoked[:userid,tokenid]',
    attributes: { 'logward.token.id': a['logward.token.id'] },
  }),
  authn_token_reuse: event({
    category: 'authn',
    defaultLevel: 'CRITICAL',
    description: 'A previously revoked token was used.',
    owasp: 'authn_token_reuse[:userid,tokenid]',
    attributes: { 'logward.token.id': a['logward.token.id'] },
  }),
  authn_token_delete: event({
    category: 'authn',
    defaultLevel: 'WARN',
    description: 'A token was deleted.',
    owasp: 'authn_token_delete[:appid]',
    attributes: { 'logward.app.id': a['logward.app.id'] },
  }),
  // --- Authorization [AUTHZ]
  authz_fail: event({
    category: 'authz',
    defaultLevel: 'CRITICAL',
    description: 'A user tried to access a resource they are not authorized for.',
    owasp: 'authz_fail[:userid,resource]',
    attributes: { 'logward.authz.resource': a['logward.authz.resource'] },
  }),
  authz_change: event({
    category: 'authz',
    defaultLevel: 'WARN',
    description: "A user's or entity's entitlements were changed (user.id is the actor).",
    owasp: 'authz_change[:userid,from,to]',
    attributes: {
      'logward.privilege.target_user': a['logward.privilege.target_user'],
      'logward.privilege.old_role': a['logward.privilege.old_role'],
      'logward.privilege.new_role': a['logward.privilege.new_role'],
    },
  }),
  authz_admin: event({
    category: 'authz',
    defaultLevel: 'WARN',
    description: 'A privileged user (admin) performed an action.',
    owasp: 'authz_admin[:userid,event]',
    attributes: { 'logward.admin.action': a['logward.admin.action'] },
  }),
  // --- Encryption [CRYPT]
  crypt_decrypt_fail: event({
    category: 'crypt',
    defaultLevel: 'WARN',
    description: 'Decryption failed.',
    owasp: 'crypt_decrypt_fail[userid]',
    attributes: {},
  }),
  crypt_encrypt_fail: event({
    category: 'crypt',
    defaultLevel: 'WARN',
    description: 'Encryption failed.',
    owasp: 'crypt_encrypt_fail[userid]',
    attributes: {},
  }),
  // --- Excessive use [EXCESS]
  excess_rate_limit_exceeded: event({
    category: 'excess',
    defaultLevel: 'WARN',
    description: 'A rate limit was exceeded.',
    owasp: 'excess_rate_limit_exceeded[userid,max]',
    attributes: { 'logward.rate_limit.max': a['logward.rate_limit.max'] },
  }),
  // --- File upload [UPLOAD]
  upload_complete: event({
    category: 'upload',
    defaultLevel: 'INFO',
    description: 'A file upload completed.',
    owasp: 'upload_complete[userid,filename,type]',
    attributes: { 'file.name': a['file.name'], 'logward.upload.type': a['logward.upload.type'] },
  }),
  upload_stored: event({
    category: 'upload',
    defaultLevel: 'INFO',
    description: 'An uploaded file was stored.',
    owasp: 'upload_stored[filename,from,to]',
    attributes: {
      'file.name': a['file.name'],
      'logward.upload.from': a['logward.upload.from'],
      'logward.upload.to': a['logward.upload.to'],
    },
  }),
  upload_validation: event({
    category: 'upload',
    defaultLevel: 'INFO',
    description:
      'An uploaded file was validated (virus scan, image check); CRITICAL when the result is FAILED.',
    owasp: 'upload_validation[filename,(virusscan|imagemagick|...):(FAILED|incomplete|passed)]',
    attributes: {
      'file.name': a['file.name'],
      'logward.upload.validator': a['logward.upload.validator'],
      'logward.upload.result': a['logward.upload.result'],
    },
    escalation: { attribute: 'logward.upload.result', equals: 'FAILED', level: 'CRITICAL' },
  }),
  upload_delete: event({
    category: 'upload',
    defaultLevel: 'INFO',
    description: 'An uploaded file was deleted.',
    owasp: 'upload_delete[userid,fileid]',
    attributes: { 'logward.upload.file_id': a['logward.upload.file_id'] },
  }),
  // --- Input validation [INPUT]
  input_validation_fail: event({
    category: 'input_validation',
    defaultLevel: 'WARN',
    description: 'Input failed server-side validation.',
    owasp: 'input_validation_fail:[(fieldone,fieldtwo...),userid]',
    attributes: { 'logward.input.fields': a['logward.input.fields'] },
  }),
  input_validation_discrete_fail: event({
    category: 'input_validation',
    defaultLevel: 'WARN',
    description:
      'A value outside a fixed list (drop-down, radio) was submitted: the client was tampered with.',
    owasp: 'input_validation_discrete_fail[:field,userid]',
    attributes: { 'logward.input.field': a['logward.input.field'] },
  }),
  // --- Malicious behavior [MALICIOUS]
  malicious_excess_404: event({
    category: 'malicious',
    defaultLevel: 'WARN',
    description: 'A client requested many non-existent resources (forced browsing).',
    owasp: 'malicious_excess_404:[userid|IP,useragent]',
    attributes: {},
  }),
  malicious_extraneous: event({
    category: 'malicious',
    defaultLevel: 'CRITICAL',
    description: 'A client submitted input the application does not expect.',
    owasp: 'malicious_extraneous:[userid|IP,inputname,useragent]',
    attributes: { 'logward.input.name': a['logward.input.name'] },
  }),
  malicious_attack_tool: event({
    category: 'malicious',
    defaultLevel: 'CRITICAL',
    description: 'An attack tool was detected (e.g. by its user agent).',
    owasp: 'malicious_attack_tool:[userid|IP,toolname,useragent]',
    attributes: { 'logward.attack.tool': a['logward.attack.tool'] },
  }),
  malicious_cors: event({
    category: 'malicious',
    defaultLevel: 'CRITICAL',
    description: 'An illegal cross-origin request was made.',
    owasp: 'malicious_cors:[userid|IP,useragent,referer]',
    attributes: { 'http.request.header.referer': a['http.request.header.referer'] },
  }),
  malicious_direct_reference: event({
    category: 'malicious',
    defaultLevel: 'CRITICAL',
    description: 'A user tried to reach an object they do not own (IDOR attempt).',
    owasp: 'malicious_direct_reference:[userid|IP, useragent]',
    attributes: { 'logward.authz.resource': a['logward.authz.resource'] },
  }),
  // --- Privilege changes [PRIVILEGE]
  privilege_permissions_changed: event({
    category: 'privilege',
    defaultLevel: 'WARN',
    description: 'Permissions of a user or object changed (user.id is the actor).',
    owasp: 'privilege_permissions_changed:[userid,file|object,fromlevel,tolevel]',
    attributes: {
      'logward.privilege.target_user': a['logward.privilege.target_user'],
      'logward.privilege.object': a['logward.privilege.object'],
      'logward.privilege.old_role': a['logward.privilege.old_role'],
      'logward.privilege.new_role': a['logward.privilege.new_role'],
    },
  }),
  // --- Sensitive data changes [DATA]
  sensitive_create: event({
    category: 'sensitive',
    defaultLevel: 'WARN',
    description: 'Sensitive data was created.',
    owasp: 'sensitive_create:[userid,file|object]',
    attributes: { 'logward.sensitive.object': a['logward.sensitive.object'] },
  }),
  sensitive_read: event({
    category: 'sensitive',
    defaultLevel: 'WARN',
    description: 'Sensitive data was read.',
    owasp: 'sensitive_read:[userid,file|object]',
    attributes: { 'logward.sensitive.object': a['logward.sensitive.object'] },
  }),
  sensitive_update: event({
    category: 'sensitive',
    defaultLevel: 'WARN',
    description: 'Sensitive data was updated.',
    owasp: 'sensitive_update:[userid,file|object]',
    attributes: { 'logward.sensitive.object': a['logward.sensitive.object'] },
  }),
  sensitive_delete: event({
    category: 'sensitive',
    defaultLevel: 'WARN',
    description: 'Sensitive data was marked for deletion.',
    owasp: 'sensitive_delete:[userid,file|object]',
    attributes: { 'logward.sensitive.object': a['logward.sensitive.object'] },
  }),
  // --- Sequence errors [SEQUENCE]
  sequence_fail: event({
    category: 'sequence',
    defaultLevel: 'CRITICAL',
    description: 'A business-logic flow was performed out of order (business-logic attack).',
    owasp: 'sequence_fail:[userid]',
    attributes: {},
  }),
  // --- Session management [SESSION]
  session_created: event({
    category: 'session',
    defaultLevel: 'INFO',
    description: 'A session was created.',
    owasp: 'session_created:[userid]',
    attributes: {},
  }),
  session_renewed: event({
    category: 'session',
    defaultLevel: 'INFO',
    description: 'A session was renewed.',
    owasp: 'session_renewed:[userid]',
    attributes: {},
  }),
  session_expired: event({
    category: 'session',
    defaultLevel: 'INFO',
    description: 'A session expired (logout, timeout, revoked).',
    owasp: 'session_expired:[userid,reason]',
    attributes: { 'logward.session.reason': a['logward.session.reason'] },
  }),
  session_use_after_expire: event({
    category: 'session',
    defaultLevel: 'CRITICAL',
    description: 'An expired session was used (possible session hijack).',
    owasp: 'session_use_after_expire:[userid]',
    attributes: {},
  }),
  // --- System events [SYSTEM]
  sys_startup: event({
    category: 'sys',
    defaultLevel: 'WARN',
    description: 'The system started.',
    owasp: 'sys_startup:[userid]',
    attributes: {},
  }),
  sys_shutdown: event({
    category: 'sys',
    defaultLevel: 'WARN',
    description: 'The system shut down.',
    owasp: 'sys_shutdown:[userid]',
    attributes: {},
  }),
  sys_restart: event({
    category: 'sys',
    defaultLevel: 'WARN',
    description: 'The system restarted.',
    owasp: 'sys_restart:[userid]',
    attributes: {},
  }),
  sys_crash: event({
    category: 'sys',
    defaultLevel: 'WARN',
    description: 'The system crashed.',
    owasp: 'sys_crash[:reason]',
    attributes: { 'logward.sys.reason': a['logward.sys.reason'] },
  }),
  sys_monitor_disabled: event({
    category: 'sys',
    defaultLevel: 'WARN',
    description: 'A security monitor was disabled.',
    owasp: 'sys_monitor_disabled:[userid,monitor]',
    attributes: { 'logward.sys.monitor': a['logward.sys.monitor'] },
  }),
  sys_monitor_enabled: event({
    category: 'sys',
    defaultLevel: 'WARN',
    description: 'A security monitor was enabled.',
    owasp: 'sys_monitor_enabled:[userid,monitor]',
    attributes: { 'logward.sys.monitor': a['logward.sys.monitor'] },
  }),
  // --- User management [USER]
  user_created: event({
    category: 'user',
    defaultLevel: 'WARN',
    description: 'A user was created (user.id is the actor).',
    owasp: 'user_created:[userid,newuserid,attributes[one,two,three]]',
    attributes: {
      'logward.user.target_id': a['logward.user.target_id'],
      'logward.user.changed_attributes': a['logward.user.changed_attributes'],
    },
  }),
  user_updated: event({
    category: 'user',
    defaultLevel: 'WARN',
    description: 'A user was updated (user.id is the actor).',
    owasp: 'user_updated:[userid,onuserid,attributes[one,two,three]]',
    attributes: {
      'logward.user.target_id': a['logward.user.target_id'],
      'logward.user.changed_attributes': a['logward.user.changed_attributes'],
    },
  }),
  user_archived: event({
    category: 'user',
    defaultLevel: 'WARN',
    description: 'A user was archived.',
    owasp: 'user_archived:[userid,onuserid]',
    attributes: { 'logward.user.target_id': a['logward.user.target_id'] },
  }),
  user_deleted: event({
    category: 'user',
    defaultLevel: 'WARN',
    description: 'A user was deleted.',
    owasp: 'user_deleted:[userid,onuserid]',
    attributes: { 'logward.user.target_id': a['logward.user.target_id'] },
  }),
  // --- KCP connection lifecycle (logward's own; client.* and server.* carry the peer)
  kcp_conn_open: event({
    category: 'kcp',
    defaultLevel: 'INFO',
    description: 'A KCP peer sent its first packet for a new conversation.',
    attributes: { ...kcpPeer },
  }),
  kcp_conn_established: event({
    category: 'kcp',
    defaultLevel: 'INFO',
    description: 'A KCP connection completed its handshake.',
    attributes: { ...kcpPeer, 'logward.kcp.rtt_ms': a['logward.kcp.rtt_ms'] },
  }),
  kcp_conn_failed: event({
    category: 'kcp',
    defaultLevel: 'WARN',
    description: 'A KCP connection failed before it was established.',
    attributes: {
      ...kcpPeer,
      'logward.kcp.reason': kcpReason('kcp_conn_failed'),
      'logward.kcp.outcome': a['logward.kcp.outcome'],
    },
  }),
  kcp_conn_closed: event({
    category: 'kcp',
    defaultLevel: 'INFO',
    description: 'A KCP connection closed.',
    attributes: {
      ...kcpPeer,
      'logward.kcp.reason': kcpReason('kcp_conn_closed'),
      'logward.kcp.outcome': a['logward.kcp.outcome'],
      'logward.kcp.duration_ms': a['logward.kcp.duration_ms'],
    },
  }),
  kcp_input_rejected: event({
    category: 'kcp',
    defaultLevel: 'WARN',
    description: 'A KCP packet was rejected by ikcp_input or the length check.',
    attributes: {
      ...kcpPeer,
      'logward.kcp.reason': kcpReason('kcp_input_rejected'),
      'logward.kcp.input_code': a['logward.kcp.input_code'],
    },
  }),
  kcp_session_limit: event({
    category: 'kcp',
    defaultLevel: 'WARN',
    description: 'A new KCP session was refused because the session limit was reached.',
    attributes: {
      ...kcpPeer,
      'logward.kcp.active_sessions': a['logward.kcp.active_sessions'],
      'logward.kcp.session_limit': a['logward.kcp.session_limit'],
    },
  }),
  kcp_conv_reset: event({
    category: 'kcp',
    defaultLevel: 'WARN',
    description: 'A peer reused a live KCP conversation id from another address (reset or hijack attempt).',
    attributes: { ...kcpPeer },
  }),
  kcp_conn_stats: event({
    category: 'kcp',
    defaultLevel: 'INFO',
    description: 'Periodic statistics of a KCP connection.',
    attributes: {
      ...kcpPeer,
      'logward.kcp.rtt_ms': a['logward.kcp.rtt_ms'],
      'logward.kcp.retransmits': a['logward.kcp.retransmits'],
      'logward.kcp.duration_ms': a['logward.kcp.duration_ms'],
    },
  }),
} as const;

export type SecurityEventName = keyof typeof eventDefinitions;

/** Every event name of the taxonomy, OWASP first, in the sheet's order, then KCP. */
export const securityEventNames = Object.freeze(Object.keys(eventDefinitions) as SecurityEventName[]);

const nameSet: ReadonlySet<string> = new Set(securityEventNames);

export function isSecurityEventName(name: unknown): name is SecurityEventName {
  return typeof name === 'string' && nameSet.has(name);
}
