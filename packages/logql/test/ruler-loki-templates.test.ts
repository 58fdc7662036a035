// Alert template outputs as Loki 3.7.6's ruler rendered them (annotations of a firing alert read
// from /prometheus/api/v1/alerts, labels {user="carol"}, no external labels or URL), recorded with
// the Loki binary the test/loki suite builds. logward must render the same text.
import { describe, expect, it } from 'vitest';
import { compileAlertTemplate, expandAlertTemplate } from '../src/index.ts';

// Value 1234: sum(count_over_time(...)) over 1234 lines.
const at1234: [string, string][] = [
  ['{{ $value }}', '1234'],
  ['{{ $value | humanize }}', '1.234k'],
  ['{{ humanize1024 $value }}', '1.205ki'],
  ['{{ humanizePercentage $value }}', '1.234e+05%'],
  ['{{ humanizeDuration $value }}', '20m 34s'],
  [
    '{{ printf "%.2f|%5.1f|%e|%g|%v|%s" $value $value $value $value $value $labels.user }}',
    '1234.00|1234.0|1.234000e+03|1234|1234|carol',
  ],
  [
    '{{ $labels.user | toUpper }} {{ title "hello wORLD foo-bar" }} {{ toLower "ABC" }}',
    'CAROL Hello WORLD Foo-Bar abc',
  ],
  ['{{ $labels.missing }}|{{ index $labels "user" }}|{{ len $labels }}', '|carol|1'],
  ['{{ if gt $value 100.0 }}big{{ else if gt $value 10.0 }}mid{{ else }}small{{ end }}', 'big'],
  ['{{ range $k, $v := $labels }}{{ $k }}={{ $v }};{{ end }}', 'user=carol;'],
  [
    '{{ reReplaceAll "(a+)" "<$1>" "baaad" }} {{ match "^b" "bob" }} {{ stripPort "host:80" }} {{ stripDomain "a.b.c:9" }}',
    'b<aaa>d true host a:9',
  ],
  [
    '{{ humanizeTimestamp 1767225600.5 }} {{ parseDuration "1h30m" }}',
    '2026-01-01 00:00:00.5 +0000 UTC 5400',
  ],
  [
    '{{ $labels }} {{ $externalLabels }} [{{ externalURL }}] [{{ pathPrefix }}]',
    'map[user:carol] map[] [] []',
  ],
  [
    '{{ printf "%d" 3 }} {{ printf "%d" $value }} {{ printf "%s %s" "a" }} {{ printf "%q" $labels.user }}',
    '3 %!d(float64=1234) a %!s(MISSING) "carol"',
  ],
  [
    '{{ $value | humanize }} {{ humanize 0.00123 }} {{ humanize 0 }} {{ humanize 1234567890.0 }} {{ humanizeDuration 0.0015 }} {{ humanizeDuration 59.5 }}',
    '1.234k 1.23m 0 1.235G 1.5ms 59.5s',
  ],
  ['{{ $labels.missing | toUpper }}', ''],
  [
    '{{ eq $labels.user "bob" "carol" }} {{ and 1 0 }} {{ or 0 "x" }} {{ not true }} {{ print 1 2 "a" 3 }}',
    'true 0 x false 1 2a3',
  ],
  ['{{ html "<a&b>" }} {{ js "a\'b" }} {{ urlquery "a b&c" }}', "&lt;a&amp;b&gt; a\\'b a+b%26c"],
  ['{{- " trim " -}}   x', ' trim x'],
];

// Value 1234 / 3.
const atThird: [string, string][] = [
  ['{{ $value }}', '411.3333333333333'],
  [
    '{{ .Value }} {{ printf "%.1f|%.0f|%8.3f|%-8.2f|%+.2e" $value $value $value $value $value }}',
    '411.3333333333333 411.3|411| 411.333|411.33  |+4.11e+02',
  ],
  [
    '{{ $value | humanize }} {{ humanize "1234" }} {{ humanizeDuration 1000000.0 }} {{ humanizeDuration -75.0 }}',
    '411.3 1.234k 11d 13h 46m 40s -1m 15s',
  ],
  [
    '{{ $labels.user | printf "%s!" }} {{ printf "%5s|%-5s|%x|%X" "ab" "cd" "hi" 255 }}',
    'carol!    ab|cd   |6869|FF',
  ],
  ['{{ with $x := $labels.user }}{{ $x }}{{ end }} {{ $y := 5 }}{{ $y = 6 }}{{ $y }}', 'carol 6'],
  [
    '{{ humanizePercentage 0.0001234 }} {{ humanizePercentage 1 }} {{ humanize1024 0.5 }} {{ humanize -1500.0 }}',
    '0.01234% 100% 0.5 -1.5k',
  ],
  [
    '{{ printf "%v %v %v" 1.0 100000000.0 0.000012 }} {{ print 1.5 }} {{ println "a" 2 }}',
    '1 1e+08 1.2e-05 1.5 a 2\n',
  ],
  [
    '{{ if and (gt $value 1.0) (lt $value 1000.0) }}in{{ end }} {{ if not (eq $labels.user "carol") }}x{{ else }}y{{ end }}',
    'in y',
  ],
  [
    '{{ range $i, $e := $labels }}{{ $i }}{{ end }} {{ len "héllo" }} {{ index $labels "nope" }}|',
    'user 6 |',
  ],
  [
    '{{ title "élan vital 3d-printer o\'neil" }} {{ toUpper "straße" }}',
    "Élan Vital 3D-Printer O'neil STRAßE",
  ],
  ['{{ reReplaceAll "(?P<x>a)" "${x}-$1" "banana" }} {{ reReplaceAll "^" "x" "" }}', 'ba-ana-ana-a x'],
  [
    '{{ stripPort "[::1]:80" }} {{ stripPort "::1" }} {{ stripPort "h" }} {{ stripDomain "10.0.0.1:80" }} {{ stripDomain "a.b" }}',
    '::1 ::1 h 10.0.0.1:80 a',
  ],
  ['{{ printf "%q" "a\\"b\\n" }} {{ printf "%t" true }} {{ printf "%d%%" 5 }}', '"a\\"b\\n" true 5%'],
  [
    '{{ humanizeTimestamp 0 }} {{ humanizeTimestamp 1767225600.123456789 }} {{ parseDuration "1d" }}',
    '1970-01-01 00:00:00 +0000 UTC 2026-01-01 00:00:00.123 +0000 UTC 86400',
  ],
  [
    '{{ printf "%s" 1.5 }} {{ printf "%v" $labels }} {{ 1.5 }} {{ 3 }} {{ "a" | printf "%s-%s" "b" }} {{ printf "%s|%s" true 3 }}',
    '%!s(float64=1.5) map[user:carol] 1.5 3 b-a %!s(bool=true)|%!s(int=3)',
  ],
  ['{{ urlquery "a b" "c" }} {{ args 1 "a" }} {{ safeHtml "<b>" }}', 'a+bc map[arg0:1 arg1:a] <b>'],
  [
    '{{ index $labels "user" | len }} {{ printf "%08.3f|% d|%+d|% .1f" 3.14159 5 5 2.25 }}',
    '5 0003.142| 5|+5| 2.2',
  ],
  [
    '{{ humanizeDuration 0.000001234 }} {{ humanizeDuration 86400.0 }} {{ humanize 999.95 }} {{ humanize 1e30 }}',
    '1.234us 1d 0h 0m 0s 1000 1e+06Y',
  ],
];

const render = (template: string, value: number) =>
  expandAlertTemplate(
    compileAlertTemplate(template),
    { labels: { user: 'carol' }, externalLabels: {}, externalURL: '', value },
    'Tpl',
  );

describe('alert templates render as Loki 3.7.6 does', () => {
  it.each(at1234)('%s (value 1234)', (template, loki) => {
    expect(render(template, 1234)).toBe(loki);
  });
  it.each(atThird)('%s (value 1234/3)', (template, loki) => {
    expect(render(template, 1234 / 3)).toBe(loki);
  });
});
