import { describe, expect, it } from 'vitest';
import { neutralizeString, neutralizeValue, runWithRequestContext } from '../src/context/index.ts';
import { contextPipeline } from './helpers.ts';

describe('neutralizeString', () => {
  it('encodes CR, LF, TAB and ANSI escapes visibly instead of deleting them', () => {
    expect(neutralizeString('twenty-one\n\nINFO: User logged out=badguy')).toBe(
      'twenty-one\\n\\nINFO: User logged out=badguy',
    );
    expect(neutralizeString('a\r\nb\tc\u001b[31mred\u001b[0m')).toBe('a\\r\\nb\\tc\\u001b[31mred\\u001b[0m');
  });

  it('encodes NUL, DEL, C1 (NEL), line/paragraph separators and bidi controls', () => {
    expect(neutralizeString('x\u0000\u007f\u0085\u2028\u2029\u202e\u2066\u200f\u061cy')).toBe(
      'x\\u0000\\u007f\\u0085\\u2028\\u2029\\u202e\\u2066\\u200f\\u061cy',
    );
  });

  it('returns the very same string when nothing needs encoding (including non-Latin text)', () => {
    const text = 'Grüße, 世界 — path C:\\temp\\new';
    expect(neutralizeString(text)).toBe(text);
  });
});

describe('neutralizeValue', () => {
  it('copies on write and never mutates the caller object', () => {
    const input = { user: 'bob\nadmin', nested: { list: ['ok', 'bad\r'] }, clean: { a: 1 } };
    const output = neutralizeValue(input) as typeof input;
    expect(output).toEqual({ user: 'bob\\nadmin', nested: { list: ['ok', 'bad\\r'] }, clean: { a: 1 } });
    expect(input.user).toBe('bob\nadmin');
    expect(output.clean).toBe(input.clean);
    const clean = { a: 'fine' };
    expect(neutralizeValue(clean)).toBe(clean);
  });

  it('neutralizes map keys and survives cycles and absurd depth', () => {
    const cyclic: Record<string, unknown> = { 'k\ney': 'v' };
    cyclic['self'] = cyclic;
    expect(neutralizeValue(cyclic)).toEqual({ 'k\\ney': 'v', self: '[Circular]' });
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(JSON.stringify(neutralizeValue(deep))).toContain('[MaxDepth]');
  });
});

describe('the processor against forged log lines', () => {
  it('neutralizes string bodies, attributes, attribute keys and event names', () => {
    const { logger, last } = contextPipeline();
    logger.emit({
      eventName: 'authn_login_fail\nfake',
      body: 'login failed for bob\r\n2026-11-23 INFO authn_login_success user=admin',
      attributes: {
        'user.id': 'bob\u001b[2K\rINFO admin',
        'app.form': { 'field\nname': ['x\u2028y'] },
        'evil\rkey': 'v',
        'app.count': 3,
      },
    });
    const record = last();
    expect(record.body).toBe('login failed for bob\\r\\n2026-11-23 INFO authn_login_success user=admin');
    expect(record.eventName).toBe('authn_login_fail\\nfake');
    expect(record.attributes).toMatchObject({
      'user.id': 'bob\\u001b[2K\\rINFO admin',
      'app.form': { 'field\\nname': ['x\\u2028y'] },
      'evil\\rkey': 'v',
      'app.count': 3,
      'otel.event.name': 'authn_login_fail\\nfake',
    });
    expect(Object.keys(record.attributes)).not.toContain('evil\rkey');
    // No raw control character anywhere in what is exported.
    expect(JSON.stringify([record.body, record.attributes, record.eventName])).not.toMatch(
      /\\u001b\[2K\\r|[\r\n]/,
    );
  });

  it('leaves the caller body object untouched and exports a neutralized copy', () => {
    const { logger, last } = contextPipeline();
    const body = { msg: 'line1\nline2', ok: true };
    logger.emit({ body });
    expect(body.msg).toBe('line1\nline2');
    expect(last().body).toEqual({ msg: 'line1\\nline2', ok: true });
  });

  it('neutralizes request context values too (user agents are attacker-controlled)', () => {
    const { logger, last } = contextPipeline();
    runWithRequestContext({ userAgent: 'Mozilla\r\nX-Forged: 1' }, () => {
      logger.emit({ eventName: 'malicious_attack_tool' });
    });
    expect(last().attributes['user_agent.original']).toBe('Mozilla\\r\\nX-Forged: 1');
  });
});
