import { describe, expect, it } from 'vitest';
import {
  parseExplicitLevel,
  securityEventNames,
  severityFor,
  severityTextFor,
  type SecurityEventName,
} from '../src/index.ts';

describe('severity policy', () => {
  it('maps OWASP INFO/WARN/CRITICAL to 9/13/18 with the level word as text', () => {
    expect(severityFor('authn_login_success')).toEqual({ severityNumber: 9, severityText: 'INFO' });
    expect(severityFor('authn_login_fail')).toEqual({ severityNumber: 13, severityText: 'WARN' });
    expect(severityFor('authz_fail')).toEqual({ severityNumber: 18, severityText: 'CRITICAL' });
  });

  it('gives every event a severity in the INFO, WARN or ERROR range', () => {
    for (const name of securityEventNames) {
      expect([9, 13, 18]).toContain(severityFor(name).severityNumber);
    }
  });

  it('lets an explicit level from the caller win', () => {
    expect(severityFor('authz_fail', 'INFO')).toEqual({ severityNumber: 9, severityText: 'INFO' });
    expect(severityFor('authn_login_success', 'critical')).toEqual({
      severityNumber: 18,
      severityText: 'CRITICAL',
    });
    expect(severityFor('authn_login_success', 'error')).toEqual({
      severityNumber: 17,
      severityText: 'ERROR',
    });
    expect(severityFor('authn_login_success', 21)).toEqual({ severityNumber: 21, severityText: 'FATAL' });
    expect(severityFor('authn_login_success', 19)).toEqual({ severityNumber: 19, severityText: 'ERROR3' });
    expect(severityFor('authn_login_success', { severityNumber: 14, severityText: 'Warning' })).toEqual({
      severityNumber: 14,
      severityText: 'Warning',
    });
  });

  it('raises upload_validation to CRITICAL when the result is FAILED, unless the caller says otherwise', () => {
    expect(
      severityFor('upload_validation', undefined, { 'logward.upload.result': 'passed' }).severityNumber,
    ).toBe(9);
    expect(severityFor('upload_validation', undefined, { 'logward.upload.result': 'FAILED' })).toEqual({
      severityNumber: 18,
      severityText: 'CRITICAL',
    });
    expect(
      severityFor('upload_validation', 'WARN', { 'logward.upload.result': 'FAILED' }).severityNumber,
    ).toBe(13);
  });

  it('rejects bad levels and unknown events with an error naming them', () => {
    expect(() => parseExplicitLevel('LOUD' as never)).toThrow(/level: expected one of .* got "LOUD"/);
    expect(() => parseExplicitLevel(0)).toThrow(/1\.\.24, got 0/);
    expect(() => parseExplicitLevel(9.5)).toThrow(/got 9\.5/);
    expect(() => severityFor('authn_login_fail:bob' as SecurityEventName)).toThrow(
      /"authn_login_fail:bob" is not/,
    );
  });

  it('names severity numbers like the OTel data model', () => {
    expect([1, 2, 5, 9, 12, 13, 17, 18, 20, 21, 24].map(severityTextFor)).toEqual([
      'TRACE',
      'TRACE2',
      'DEBUG',
      'INFO',
      'INFO4',
      'WARN',
      'ERROR',
      'CRITICAL',
      'ERROR4',
      'FATAL',
      'FATAL4',
    ]);
  });
});
