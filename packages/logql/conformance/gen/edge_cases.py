import sys, json, math; sys.path.insert(0, __import__('os').path.dirname(__file__))
from common import *
EJ = {"job": "edge-json"}
line1 = r'{"a.b":"dot","a-b":"dash","1a":"num","nested":{"x y":"space","deep":{"k":"v"}},"arr":[{"k":1}],"esc":"line\nbreak \u00e9","dup":"first","dup":"second","n":-0.50,"big":12345678901234567890,"emptyobj":{},"s":""}'
line2 = '{"level":"info","msg":"héllo wörld","tags":{"env":"prod"}}'
EL = {"job": "edge-logfmt"}
l1 = 'level=info    spaced="a b"   weird=x=y  k2="esc\\"aped" trailing a.b=1 1x=2 level=dup'
l2 = 'level=warn ts=2026-11-23T10:00:20Z msg=plain'
MD = {"app": "x"}
U = {"job": "units"}
P1 = {"job": "multi", "pod": "p1"}
P2 = {"job": "multi", "pod": "p2"}
S = [
 (EJ, [(10, line1), (20, line2)]),
 (EL, [(10, l1), (20, l2)]),
 (MD, [(10, 'hello', {"app": "y", "team": "sec"})]),
 (U, [(10, 'size=1.5KB took=1h val=0.1'), (20, 'size=2MiB took=1m30s val=0.2'), (30, 'size=10 took=250ms val=-3'), (40, 'took=5 val=x')]),
 (P1, [(10, 'level=info a'), (30, 'level=error b')]),
 (P2, [(20, 'level=info c'), (40, 'level=info d')]),
 ({"job": "edge-trunc"}, [(10, '{"z":"1","a":{"b":"x","c":')]),
]
t = 60
cases = []
def total(n, at=t): return vec(at, [({}, n)]) if n else vec(at, [])
def cnt(name, q, n, note=None): cases.append(I(name, 'sum(count_over_time(%s [1m]))' % q, t, total(n), note=note))
def by(name, q, label, pairs, note=None):
    cases.append(I(name, 'sum by (%s) (count_over_time(%s [1m]))' % (label, q), t, vec(t, [({label: v} if v is not None else {}, n) for v, n in pairs]), note=note))
PJ = 'pkg/logql/log/parser.go JSONParser; pkg/logql/log/util.go sanitizeLabelKey'
J = '{job="edge-json"} | json | __error__=""'
by('json keys sanitizing to the same name: first wins', J, 'a_b', [(None, 1), ('dot', 1)], PJ + '; parser_hints.go Extracted')
cnt('json key starting with a digit gets an underscore', J + ' | _1a="num"', 1, PJ)
cnt('json nested key with a space', J + ' | nested_x_y="space"', 1, PJ)
cnt('json deeply nested key', J + ' | nested_deep_k="v"', 1, PJ)
cnt('json escapes are decoded', J + ' | esc="line\\nbreak é"', 1, PJ + ' unescapeJSONString')
cnt('json duplicate key keeps the first value', J + ' | dup="first"', 1, 'pkg/logql/log/parser_hints.go Extracted (first extraction wins)')
cnt('json duplicate key later value is ignored', J + ' | dup="second"', 0)
cnt('json negative decimal text kept', J + ' | n="-0.50"', 1, PJ + ' readValue')
cnt('json negative decimal compared numerically', J + ' | n < 0', 1)
cnt('json big integer text kept', J + ' | big="12345678901234567890"', 1, PJ + ' readValue')
cnt('json utf-8 string value', J + ' | msg="héllo wörld"', 1)
cnt('json nested object under second line', J + ' | tags_env="prod"', 1)
cnt('json param returns nested object text', '{job="edge-json"} | json d="nested.deep" | d=`{"k":"v"}`', 1, 'pkg/logql/log/parser.go JSONExpressionParser')
cnt('json param bracket key with space', '{job="edge-json"} | json x=`nested["x y"]` | x="space"', 1, 'pkg/logql/log/jsonexpr')
cases.append(I('bytes_over_time counts UTF-8 bytes', 'sum(bytes_over_time({job="edge-json"} |= "héllo" [1m]))', t, total(len(line2.encode('utf-8'))), note='pkg/logql/log/metrics_extraction.go (len of the line bytes)'))
cases.append(R('keep a parsed label in a log query', '{job="edge-json"} |= "héllo" | json | keep msg', 0, 60, '60s', expected=streams([({"msg": "héllo wörld"}, [(20, line2)])]), note='pkg/logql/log/keep_labels.go'))

PH = 'pkg/logql/log/parser.go JSONParser with parser_hints.go (jsonparser.ObjectEach finds a value\'s end before using it)'
cases.append(I('truncated nested object: its label is not extracted and the line errors', 'sum by (a_b) (count_over_time({job="edge-trunc"} | json [1m]))', t, error="pipeline error: 'JSONParserErr'", note=PH))
cases.append(I('truncated tail after all grouped labels: parsing stopped, no error', 'sum by (z) (count_over_time({job="edge-trunc"} | json [1m]))', t, vec(t, [({"z": "1"}, 1)]), note=PH + ' (errFoundAllLabels)'))
PL = 'pkg/logql/log/logfmt/decode.go; pkg/logql/log/parser.go LogfmtParser'
L = '{job="edge-logfmt"} | logfmt'
by('logfmt quoted value with spaces', L, 'spaced', [(None, 1), ('a b', 1)], PL)
by('logfmt pair with a second = is skipped', L, 'weird', [(None, 2)], PL + ' (unexpected "=" skips the value)')
by('logfmt escaped quote in a value', L, 'k2', [(None, 1), ('esc"aped', 1)], PL)
cnt('logfmt key with a dot is sanitized', L + ' | a_b="1"', 1, PL)
cnt('logfmt key starting with a digit', L + ' | _1x="2"', 1, PL)
by('logfmt duplicate key keeps the first value', L, 'level', [('info', 1), ('warn', 1)], 'pkg/logql/log/parser_hints.go Extracted')
cnt('logfmt timestamp value', L + ' | ts="2026-11-23T10:00:20Z"', 1)
by('regexp case-insensitive flag', '{job="edge-logfmt"} | regexp "(?i)LEVEL=(?P<lvl>\\\\w+)"', 'lvl', [('info', 1), ('warn', 1)], 'pkg/logql/log/parser.go RegexpParser (RE2 flags)')
by('pattern with trailing unnamed capture', '{job="edge-logfmt"} | pattern "level=<lvl> <_>"', 'lvl', [('info', 1), ('warn', 1)], 'pkg/logql/log/pattern/pattern.go')
by('pattern literal missing in one line', '{job="edge-logfmt"} | pattern "<_> msg=<m>"', 'm', [(None, 1), ('plain', 1)], 'pkg/logql/log/pattern/pattern.go')

PM = 'pkg/logql/log/labels.go LabelsBuilder.Add (metadata colliding with a stream label gets _extracted)'
cases.append(I('metadata colliding with a stream label', 'count_over_time({app="x"}[1m])', t, vec(t, [({"app": "x", "app_extracted": "y", "team": "sec"}, 1)]), note=PM))
cases.append(I('group by renamed metadata', 'sum by (app_extracted) (count_over_time({app="x"}[1m]))', t, vec(t, [({"app_extracted": "y"}, 1)]), note=PM))
cases.append(I('filter on metadata keeps all labels', 'count_over_time({app="x"} | team="sec" [1m])', t, vec(t, [({"app": "x", "app_extracted": "y", "team": "sec"}, 1)])))

PF = 'pkg/logql/log/fmt.go LabelsFormatter'
M = '{job="multi"} | logfmt'
by('label_format rename over a stream label', M + ' | label_format pod=level', 'pod', [('error', 1), ('info', 3)], PF)
by('label_format template over stream and parsed labels', M + ' | label_format x="{{.pod}}-{{.level}}"', 'x', [('p1-error', 1), ('p1-info', 1), ('p2-info', 2)], PF)
by('label_format templates see labels as they were before the stage', M + ' | label_format a="{{.level}}", b="x{{.a}}"', 'b', [('x', 4)], PF + ' (the template data map is filled once per stage)')
cases.append(I('keep merges series across streams', 'count_over_time({job="multi"} | logfmt | keep level [1m])', t, vec(t, [({"level": "error"}, 1), ({"level": "info"}, 3)]), note='pkg/logql/log/keep_labels.go'))
cases.append(I('drop a stream label merges streams', 'count_over_time({job="multi"} | drop pod [1m])', t, vec(t, [({"job": "multi"}, 4)]), note='pkg/logql/log/drop_labels.go'))
cases.append(R('log query merges entries into streams by final labels', '{job="multi"} | logfmt | keep level', 0, 60, '60s', direction='forward',
  expected=streams([({"level": "error"}, [(30, 'level=error b')]), ({"level": "info"}, [(10, 'level=info a'), (20, 'level=info c'), (40, 'level=info d')])]), note='pkg/logql/engine.go readStreams'))
cases.append(R('log query limit across merged streams', '{job="multi"} | logfmt | keep level', 0, 60, '60s', limit=2,
  expected=streams([({"level": "error"}, [(30, 'level=error b')]), ({"level": "info"}, [(40, 'level=info d')])])))
cases.append(R('line_format then limit', '{job="multi"} | logfmt | line_format "{{.pod}}:{{.level}}"', 0, 60, '60s', limit=3, direction='forward',
  expected=streams([(dict(P1, level="info"), [(10, 'p1:info')]), (dict(P2, level="info"), [(20, 'p2:info')]), (dict(P1, level="error"), [(30, 'p1:error')])][::1] and [
   (dict(P1, level="error"), [(30, 'p1:error')]), (dict(P1, level="info"), [(10, 'p1:info')]), (dict(P2, level="info"), [(20, 'p2:info')])]), note='pkg/logql/log/fmt.go LineFormatter'))
cases.append(R('template len counts bytes', '{job="edge-json"} |= "héllo" | json | line_format "{{ len .msg }}" | keep job', 0, 60, '60s',
  expected=streams([(EJ, [(20, str(len("héllo wörld".encode())))])]), note='Go text/template len'))

RV = 'pkg/logql/range_vector.go'
cases += [
 I('rate over two minutes', 'rate({job="multi"}[2m])', t, vec(t, [(P1, 2 / 120), (P2, 2 / 120)]), note=RV),
 I('ninety second window excludes the lower bound', 'count_over_time({job="multi"}[90s])', 100, vec(100, [(P1, 1), (P2, 2)]), note=RV),
 I('compound duration', 'count_over_time({job="multi"}[1m30s])', 100, vec(100, [(P1, 1), (P2, 2)])),
 R('range query with offset', 'count_over_time({job="multi", pod="p1"}[20s] offset 10s)', 30, 50, '10s', matrix([(P1, [(30, 1), (40, 1), (50, 1)])]), note=RV),
 I('comparison keeps matching groups', 'sum by (pod) (count_over_time({job="multi"} |= "info" [1m])) == 2', t, vec(t, [({"pod": "p2"}, 2)])),
 I('comparison with bool on groups', 'sum by (pod) (count_over_time({job="multi"} |= "info" [1m])) == bool 2', t, vec(t, [({"pod": "p1"}, 0), ({"pod": "p2"}, 1)])),
 I('absent_over_time with offset', 'absent_over_time({job="multi"}[10s] offset 5s)', t, vec(t, [({"job": "multi"}, 1)]), note='pkg/logql/evaluator.go absentLabels'),
 I('ratio with ignoring and group_left', 'sum by (level) (count_over_time({job="multi"} | logfmt | level=~"info|error" [1m])) / ignoring (level) group_left sum(count_over_time({job="multi"}[1m]))', t,
   vec(t, [({"level": "error"}, 0.25), ({"level": "info"}, 0.75)])),
 I('label_replace on vector()', 'label_replace(vector(1), "a", "b", "", "")', t, vec(t, [({"a": "b"}, 1)]), note='Prometheus label_replace (empty source matches "")'),
 I('vector comparison of vector() values', 'vector(1) > bool vector(2)', t, vec(t, [({}, 0)])),
 I('vector subtraction of vector() values', 'vector(2) - vector(3)', t, vec(t, [({}, -1)])),
]

PU = 'pkg/logql/log/metrics_extraction.go (convertBytes: humanize.ParseBytes, convertDuration: time.ParseDuration)'
vals = [0.1, 0.2, -3.0]
s_ = 0.0
for v in vals: s_ += v
mean = 0.0; c = 0
for v in vals:
    c += 1; mean += v / c - mean / c
cases += [
 I('unwrap bytes with units', 'sum(sum_over_time({job="units"} | logfmt | unwrap bytes(size) [1m]))', t, total(1500 + 2 * 1024 * 1024 + 10), note=PU),
 I('unwrap duration with units', 'sum(sum_over_time({job="units"} | logfmt | unwrap duration(took) | __error__="" [1m]))', t, total(3600 + 90 + 0.25), note=PU),
 I('unwrap duration without unit fails', 'sum(sum_over_time({job="units"} | logfmt | unwrap duration(took) [1m]))', t, error="pipeline error: 'SampleExtractionErr'", note=PU),
 I('unwrap float sum keeps float arithmetic', 'sum(sum_over_time({job="units"} | logfmt | unwrap val | __error__="" [1m]))', t, total(s_), note=PU),
 I('max_over_time negative values', 'max_over_time({job="units"} | logfmt | unwrap val | __error__="" [1m]) by (job)', t, vec(t, [(U, 0.2)])),
 I('min_over_time negative values', 'min_over_time({job="units"} | logfmt | unwrap val | __error__="" [1m]) by (job)', t, vec(t, [(U, -3)])),
 I('quantile_over_time 0 is the minimum', 'quantile_over_time(0, {job="units"} | logfmt | unwrap val | __error__="" [1m]) by (job)', t, vec(t, [(U, -3)])),
 I('quantile_over_time 1 is the maximum', 'quantile_over_time(1, {job="units"} | logfmt | unwrap val | __error__="" [1m]) by (job)', t, vec(t, [(U, 0.2)])),
 I('avg_over_time incremental mean', 'avg_over_time({job="units"} | logfmt | unwrap val | __error__="" [1m]) by (job)', t, vec(t, [(U, mean)]), note='pkg/logql/range_vector.go avgOverTime'),
 I('first_over_time by job', 'first_over_time({job="units"} | logfmt | unwrap val | __error__="" [1m]) by (job)', t, vec(t, [(U, 0.1)])),
 I('last_over_time by job', 'last_over_time({job="units"} | logfmt | unwrap val | __error__="" [1m]) by (job)', t, vec(t, [(U, -3)])),
 I('bytes label filter megabytes', 'count_over_time({job="units"} | logfmt | size > 1MB [1m])', t, vec(t, [({"job": "units", "size": "2MiB", "took": "1m30s", "val": "0.2"}, 1)]), note='pkg/logql/log/label_filter.go BytesLabelFilter'),
 I('duration filter on a unitless value fails the query', 'sum(count_over_time({job="units"} | logfmt | took >= 90s [1m]))', t, error="pipeline error: 'LabelFilterErr'", note='pkg/logql/log/label_filter.go DurationLabelFilter (time.ParseDuration("5") fails)'),
 I('duration filter errors filtered', 'sum(count_over_time({job="units"} | logfmt | took >= 90s | __error__="" [1m]))', t, total(2)),
]
n = dump(sys.argv[1], 'Edge cases: label name sanitizing, duplicate keys, escapes, metadata collisions, label_format snapshots, windows, units.\nExpected results derived from Loki v3.7.6 semantics; see each case note.', S, cases)
print(n)
