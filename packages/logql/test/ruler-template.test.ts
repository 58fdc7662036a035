import { describe, expect, it } from 'vitest';
import {
  AlertTemplateError,
  compileAlertTemplate,
  expandAlertTemplate,
  formatGoFloat,
  goSprintf,
  type AlertTemplateData,
} from '../src/index.ts';

const data: AlertTemplateData = {
  labels: { user: 'alice', namespace: 'shop', instance: 'node-1.example.internal:9100' },
  externalLabels: { cluster: 'prod' },
  externalURL: 'https://grafana.example.internal/alerting',
  value: 1234567,
};
const render = (text: string, value = data.value) =>
  expandAlertTemplate(compileAlertTemplate(text), { ...data, value });

describe('alert templates render like Prometheus/Loki', () => {
  it.each([
    ['{{ $labels.user }} in {{ $labels.namespace }}', 'alice in shop'],
    [
      '{{ .Labels.user }} {{ $externalLabels.cluster }} {{ .ExternalURL }}',
      'alice prod https://grafana.example.internal/alerting',
    ],
    ['{{ $labels.missing }}|{{ $labels.missing | toUpper }}', '|'], // Prometheus: missingkey=zero
    ['{{ $value }}', '1.234567e+06'],
    ['{{ $value | humanize }}', '1.235M'],
    ['{{ humanize1024 1048576.0 }}', '1Mi'],
    ['{{ humanizePercentage 0.25 }}', '25%'],
    ['{{ humanizeDuration 90061.0 }}', '1d 1h 1m 1s'],
    ['{{ humanizeTimestamp 1767225600.0 }}', '2026-01-01 00:00:00 +0000 UTC'],
    ['{{ printf "%.2f/%d/%s/%q" $value 3 "x" "y" }}', '1234567.00/3/x/"y"'],
    ['{{ $labels.user | toUpper }} {{ toLower "ABC" }} {{ title "hello world" }}', 'ALICE abc Hello World'],
    ['{{ title "élan 3d-printer o\'neil" }} {{ toUpper "straße" }}', "Élan 3D-Printer O'neil STRAßE"],
    ['{{ humanizeTimestamp 1767225600.123456789 }}', '2026-01-01 00:00:00.123 +0000 UTC'],
    ['{{ html "<a&b>" }} {{ js "a\'b" }} {{ urlquery "a b&c" }}', "&lt;a&amp;b&gt; a\\'b a+b%26c"],
    ['{{ printf "%s|%s|% d|% .1f" 1.5 true 5 2.25 }}', '%!s(float64=1.5)|%!s(bool=true)| 5| 2.2'],
    ['{{ if gt $value 1000.0 }}big{{ else if gt $value 10.0 }}medium{{ else }}small{{ end }}', 'big'],
    [
      '{{ with $labels.user }}user={{ . }}{{ end }}{{ with $labels.nope }}never{{ else }} none{{ end }}',
      'user=alice none',
    ],
    [
      '{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}',
      'instance=node-1.example.internal:9100;namespace=shop;user=alice;',
    ],
    [
      '{{ $labels.instance | stripPort }} {{ stripDomain $labels.instance }}',
      'node-1.example.internal node-1:9100',
    ],
    [
      '{{ reReplaceAll "(.*)@(.*)" "$2" "alice@example.com" }} {{ match "^a" $labels.user }}',
      'example.com true',
    ],
    ['{{- "  trimmed  " -}}  ', '  trimmed  '],
    ['{{/* a comment */}}x', 'x'],
    ['{{ $u := $labels.user }}{{ $u }}', 'alice'],
    ['{{ index $labels "user" }} {{ len $labels }}', 'alice 3'],
    ['{{ eq $labels.user "bob" "alice" }} {{ and 1 0 }} {{ or 0 "x" }} {{ not true }}', 'true 0 x false'],
  ])('%s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it('prints small and large float values the way Go does', () => {
    expect(render('{{ $value }}', 3)).toBe('3');
    expect(render('{{ $value }}', 0.5)).toBe('0.5');
    expect(render('{{ $value }}', 0.00001)).toBe('1e-05');
    expect(render('{{ $value | humanize }}', 0.000123)).toBe('123u');
    expect(render('{{ $value | humanize }}', 0)).toBe('0');
  });

  it('turns an execution error into the text Loki puts in the annotation, with Go position and command', () => {
    const expand = (text: string) =>
      expandAlertTemplate(compileAlertTemplate(text), { ...data, value: 411.5 }, 'Tpl');
    // Texts as Loki 3.7.6 rendered them for the same templates.
    expect(expand('{{ humanize "abc" }}')).toBe(
      '<error expanding template: error executing template __alert_Tpl: template: __alert_Tpl:1:115: executing "__alert_Tpl" at <humanize "abc">: error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax>',
    );
    expect(expand('line one\n  {{ $value | humanize }}\n  {{   gt   $value   1   }}')).toBe(
      '<error expanding template: error executing template __alert_Tpl: template: __alert_Tpl:3:7: executing "__alert_Tpl" at <gt $value 1>: error calling gt: incompatible types for comparison: float64 and int>',
    );
    expect(expand('{{ humanize }}')).toContain(
      'at <humanize>: wrong number of args for humanize: want 1 got 0>',
    );
  });

  it.each([
    ['{{ query "up" }}', 'function "query" is not supported by logward'],
    ['{{ nosuch 1 }}', 'function "nosuch" not defined'],
    ['{{ if true }}open', 'missing {{end}}'],
    ['{{ $labels.user ', 'unclosed action'],
    ['{{ template "x" }}', '{{template}} is not supported'],
    ['{{ end }}', 'unexpected {{end}}'],
    ['{{ $nope }}', 'undefined variable "$nope"'],
    ['{{ $externalURL }}', 'undefined variable "$externalURL" (Loki\'s ruler rejects rule files that use it'],
    ['{{ if true }}{{ $x := 1 }}{{ end }}{{ $x }}', 'undefined variable "$x"'],
  ])('rejects %s when the rule file loads', (template, message) => {
    expect(() => compileAlertTemplate(template)).toThrow(AlertTemplateError);
    expect(() => compileAlertTemplate(template)).toThrow(message);
  });
});

describe('Go number formatting', () => {
  it('formats %g with Go precision rules and ties to even on exact decimals', () => {
    expect([12345, 1234.5, 0.5, 100, 99999, 0.00012345].map((x) => formatGoFloat(x, 4))).toEqual([
      '1.234e+04',
      '1234',
      '0.5',
      '100',
      '1e+05',
      '0.0001234',
    ]);
    expect(formatGoFloat(1e21, -1)).toBe('1e+21');
    expect(formatGoFloat(123456, -1)).toBe('123456');
    expect(formatGoFloat(1234567, -1)).toBe('1.234567e+06');
  });

  it('implements printf verbs, widths and Go error markers', () => {
    expect(goSprintf('%5.1f|%-4s|%05d|%e|%x|%%', [3.14159, 'ab', 42n, 1234.5678, 255n])).toBe(
      '  3.1|ab  |00042|1.234568e+03|ff|%',
    );
    expect(goSprintf('%d', [3])).toBe('%!d(float64=3)');
    expect(goSprintf('%s %s', ['a'])).toBe('a %!s(MISSING)');
    expect(goSprintf('%s', ['a', 'b'])).toBe('a%!(EXTRA string=b)');
  });
});
