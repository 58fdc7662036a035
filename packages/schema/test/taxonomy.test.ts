import { describe, expect, it } from 'vitest';
import {
  commonAttributes,
  eventDefinitions,
  isSecurityEventName,
  securityEventNames,
  type SecurityLevel,
} from '../src/index.ts';

// The OWASP Logging Vocabulary as the sheet states it (OWASP/CheatSheetSeries commit 121bb56; table in
// shared/research/taxonomy.md §1.1): every event name with its current level. upload_validation is
// INFO|CRITICAL on the sheet (CRITICAL on FAILED); its default is INFO.
const owaspSheet: Array<[string, SecurityLevel]> = [
  ['authn_login_success', 'INFO'],
  ['authn_login_successafterfail', 'INFO'],
  ['authn_login_fail', 'WARN'],
  ['authn_login_fail_max', 'WARN'],
  ['authn_login_lock', 'WARN'],
  ['authn_password_change', 'INFO'],
  ['authn_password_change_fail', 'CRITICAL'],
  ['authn_impossible_travel', 'CRITICAL'],
  ['authn_token_created', 'INFO'],
  ['authn_token_revoked', 'INFO'],
  ['authn_token_reuse', 'CRITICAL'],
  ['authn_token_delete', 'WARN'],
  ['authz_fail', 'CRITICAL'],
  ['authz_change', 'WARN'],
  ['authz_admin', 'WARN'],
  ['crypt_decrypt_fail', 'WARN'],
  ['crypt_encrypt_fail', 'WARN'],
  ['excess_rate_limit_exceeded', 'WARN'],
  ['upload_complete', 'INFO'],
  ['upload_stored', 'INFO'],
  ['upload_validation', 'INFO'],
  ['upload_delete', 'INFO'],
  ['input_validation_fail', 'WARN'],
  ['input_validation_discrete_fail', 'WARN'],
  ['malicious_excess_404', 'WARN'],
  ['malicious_extraneous', 'CRITICAL'],
  ['malicious_attack_tool', 'CRITICAL'],
  ['malicious_cors', 'CRITICAL'],
  ['malicious_direct_reference', 'CRITICAL'],
  ['privilege_permissions_changed', 'WARN'],
  ['sensitive_create', 'WARN'],
  ['sensitive_read', 'WARN'],
  ['sensitive_update', 'WARN'],
  ['sensitive_delete', 'WARN'],
  ['sequence_fail', 'CRITICAL'],
  ['session_created', 'INFO'],
  ['session_renewed', 'INFO'],
  ['session_expired', 'INFO'],
  ['session_use_after_expire', 'CRITICAL'],
  ['sys_startup', 'WARN'],
  ['sys_shutdown', 'WARN'],
  ['sys_restart', 'WARN'],
  ['sys_crash', 'WARN'],
  ['sys_monitor_disabled', 'WARN'],
  ['sys_monitor_enabled', 'WARN'],
  ['user_created', 'WARN'],
  ['user_updated', 'WARN'],
  ['user_archived', 'WARN'],
  ['user_deleted', 'WARN'],
];

// The KCP events fixed in the cross-part contract.
const kcpEvents = [
  'kcp_conn_open',
  'kcp_conn_established',
  'kcp_conn_failed',
  'kcp_conn_closed',
  'kcp_input_rejected',
  'kcp_session_limit',
  'kcp_conv_reset',
  'kcp_conn_stats',
];

describe('taxonomy', () => {
  it('holds every OWASP Logging Vocabulary event with the sheet level, in sheet order', () => {
    expect(owaspSheet).toHaveLength(49);
    const owaspNames = securityEventNames.filter((n) => eventDefinitions[n].category !== 'kcp');
    expect(owaspNames).toEqual(owaspSheet.map(([name]) => name));
    for (const [name, level] of owaspSheet) {
      expect(eventDefinitions[name as keyof typeof eventDefinitions].defaultLevel, name).toBe(level);
    }
  });

  it('holds exactly the contract KCP events, after the OWASP ones', () => {
    expect(securityEventNames.slice(49)).toEqual(kcpEvents);
    expect(securityEventNames).toHaveLength(57);
  });

  it('categories are the name prefixes', () => {
    for (const name of securityEventNames) {
      expect(name.startsWith(`${eventDefinitions[name].category}_`), name).toBe(true);
    }
  });

  it('isSecurityEventName accepts taxonomy names only', () => {
    expect(isSecurityEventName('authz_fail')).toBe(true);
    expect(isSecurityEventName('kcp_conn_stats')).toBe(true);
    expect(isSecurityEventName('authz_fail:joebob1')).toBe(false);
    expect(isSecurityEventName('excessive_rate_limit_exceeded')).toBe(false);
    expect(isSecurityEventName('toString')).toBe(false);
    expect(isSecurityEventName(42)).toBe(false);
  });

  it('uses semconv names for request context and keeps its own attributes under logward.*', () => {
    expect(Object.keys(commonAttributes)).toEqual(
      expect.arrayContaining([
        'user.id',
        'session.id',
        'client.address',
        'client.port',
        'user_agent.original',
      ]),
    );
    const semconv = new Set(['file.name', 'network.transport', 'http.request.header.referer']);
    for (const name of securityEventNames) {
      for (const key of Object.keys(eventDefinitions[name].attributes)) {
        expect(key.startsWith('logward.') || semconv.has(key), `${name}: ${key}`).toBe(true);
      }
    }
  });

  it('every OWASP event cites its sheet signature', () => {
    for (const [name] of owaspSheet) {
      const d = eventDefinitions[name as keyof typeof eventDefinitions];
      expect('owasp' in d && d.owasp?.replace('malicious_excess404', 'malicious_excess_404'), name).toMatch(
        new RegExp(`^${name}(\\W|$)`),
      );
    }
  });
});
