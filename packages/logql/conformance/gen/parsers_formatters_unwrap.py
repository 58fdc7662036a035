import sys, json, math; sys.path.insert(0, __import__('os').path.dirname(__file__))
from common import *

J = {"cluster": "c1", "job": "audit"}
j = [
 (10, json.dumps({"verb":"create","user":{"username":"alice","groups":["dev","ops"]},"objectRef":{"resource":"secrets","namespace":"prod"},"responseStatus":{"code":201},"latency":"15ms","size":"1.5KB"}, separators=(',', ':'))),
 (20, json.dumps({"verb":"delete","user":{"username":"bob"},"objectRef":{"resource":"pods","namespace":"prod"},"responseStatus":{"code":403},"latency":"1.2s","size":"200B"}, separators=(',', ':'))),
 (30, json.dumps({"verb":"get","user":{"username":"alice"},"objectRef":{"resource":"secrets","namespace":"dev"},"responseStatus":{"code":200},"latency":"850ms","size":"2KiB","cluster":"x"}, separators=(',', ':'))),
 (40, 'plain text line'),
 (50, '{"verb":"list","user":{"username":"carol"},"objectRef":{"resource":"pods"},"responseStatus":{"code":200},"latency":"5ms","size":"10","ok":true,"ratio":1.50,"nothing":null,"tags":[1,2]}'),
]
L = {"job": "svc"}
l = [
 (10, 'ts=2026-11-23T10:00:10Z level=info method=GET path=/api/users status=200 duration=12ms bytes=512 msg="request done"'),
 (20, 'level=error method=POST path=/login status=401 duration=1.5s bytes=1KB msg="auth failed" user="bob smith"'),
 (30, 'level=warn method=GET status=429 duration=230ms msg="rate limited" empty= flag'),
 (40, 'level=info method="GET" status=abc msg="weird status"'),
 (50, 'level=info msg="unterminated'),
]
N = {"job": "nginx"}
ng = [
 (5, '192.168.1.10 - - "GET /login HTTP/1.1" 200 512'),
 (25, '10.0.0.7 - - "POST /api/users HTTP/1.1" 201 1024'),
 (45, '192.168.1.99 - - "GET /admin HTTP/1.1" 403 128'),
]
U = {"job": "packed"}
u = [
 (10, '{"_entry":"original line 1","container":"web","level":"info"}'),
 (20, '{"_entry":"original line 2","container":"db","job":"x"}'),
]
M = {"service_name": "shop"}
m = [
 (10, 'login failed', {"otel_event_name": "authn_login_fail", "user_id": "u1", "client_address": "10.0.0.1"}),
 (20, 'login ok', {"otel_event_name": "authn_login_success", "user_id": "u1"}),
 (30, 'login failed', {"otel_event_name": "authn_login_fail", "user_id": "u2", "client_address": "10.0.0.2"}),
 (40, '{"user_id":"u9","service_name":"other"}', {"otel_event_name": "authz_fail", "user_id": "u3"}),
]
K = {"job": "k"}
k = [(10, 'a=1 b=2 c=3'), (20, 'a=1 b=5')]
D = {"job": "color"}
d = [(10, '\u001b[31mERROR\u001b[0m disk full'), (20, 'plain ok')]
S = [(J, j), (L, l), (N, ng), (U, u), (M, m), (K, k), (D, d)]
t = 60
cases = []
def total(n): return vec(t, [({}, n)]) if n else vec(t, [])
def cnt(name, q, n, note=None): cases.append(I(name, 'sum(count_over_time(%s [1m]))' % q, t, total(n), note=note))
def by(name, q, label, pairs, note=None):
    cases.append(I(name, 'sum by (%s) (count_over_time(%s [1m]))' % (label, q), t, vec(t, [({label: v} if v is not None else {}, n) for v, n in pairs]), note=note))
PJ = 'pkg/logql/log/parser.go JSONParser'
PE = 'pkg/logql/evaluator.go RangeVectorEvaluator: series with __error__ fail the query'
cases.append(I('json parse error fails a metric query', 'count_over_time({job="audit"} | json [1m])', t, error="pipeline error: 'JSONParserErr'", note=PE))
cases.append(I('json parse error fails a grouped metric query', 'sum by (verb) (count_over_time({job="audit"} | json [1m]))', t, error="pipeline error: 'JSONParserErr'", note=PE))
PH = 'pkg/logql/log/parser_hints.go NewParserHint; syntax/extractor.go'
cases.append(I('sum without grouping does not run the parser', 'sum(count_over_time({job="audit"} | json [1m]))', t, total(5), note=PH + ' (noLabels: parsers return early, so no parse errors)'))
cases.append(I('filtering on __error__ preserves parser errors', 'sum(count_over_time({job="audit"} | json | __error__!="" [1m]))', t, total(1), note=PH + ' (shouldPreserveError: __preserve_error__="true")'))
cases.append(I('preserved errors with grouping', 'sum by (verb) (count_over_time({job="audit"} | json | __error__!="" [1m]))', t, total(1), note=PH))
cases.append(I('kept error lines without aggregation fail', 'count_over_time({job="audit"} | json | __error__!="" [1m])', t, error="pipeline error: 'JSONParserErr'", note=PH + ' (no grouping: no hints, no preserve)'))
cnt('json errors filtered out', '{job="audit"} | json | __error__=""', 4, PJ)
cnt('json errors kept (then dropped for the metric)', '{job="audit"} | json | __error__!="" | drop __error__, __error_details__', 1)

cnt('json error type', '{job="audit"} | json | __error__="JSONParserErr" | drop __error__, __error_details__', 1, 'pkg/logql/log/error.go')
cnt('drop error labels instead of filtering', '{job="audit"} | json | drop __error__, __error_details__', 5, 'pkg/logql/log/drop_labels.go')
by('json top-level field', '{job="audit"} | json | __error__=""', 'verb', [('create', 1), ('delete', 1), ('get', 1), ('list', 1)], PJ)
by('json nested fields flatten with underscore', '{job="audit"} | json | __error__=""', 'user_username', [('alice', 2), ('bob', 1), ('carol', 1)], PJ)
by('json nested object field', '{job="audit"} | json | __error__=""', 'objectRef_resource', [('pods', 2), ('secrets', 2)], PJ)
by('json missing nested field groups to empty', '{job="audit"} | json | __error__=""', 'objectRef_namespace', [(None, 1), ('dev', 1), ('prod', 2)])
by('json numbers become strings', '{job="audit"} | json | __error__=""', 'responseStatus_code', [('200', 2), ('201', 1), ('403', 1)], PJ)
cnt('json numeric label filter', '{job="audit"} | json | __error__="" | responseStatus_code >= 400', 1, 'pkg/logql/log/label_filter.go NumericLabelFilter')
cnt('json arrays are skipped', '{job="audit"} | json | __error__="" | user_groups != ""', 0, PJ + ' (arrays are not extracted)')
cnt('json key colliding with a stream label gets _extracted', '{job="audit"} | json | __error__="" | cluster_extracted="x"', 1, PJ + ' duplicateSuffix')
cnt('stream label survives the collision', '{job="audit"} | json | __error__="" | cluster="c1"', 4)
cnt('json booleans', '{job="audit"} | json | __error__="" | ok="true"', 1, PJ + ' readValue')
cnt('json number text is kept verbatim', '{job="audit"} | json | __error__="" | ratio="1.50"', 1, PJ + ' readValue (Number: raw bytes)')
cnt('json number compared numerically', '{job="audit"} | json | __error__="" | ratio == 1.5', 1)
cnt('json null is skipped', '{job="audit"} | json | __error__="" | nothing=""', 4, PJ + ' (null is not extracted)')
cnt('duration label filter', '{job="audit"} | json | __error__="" | latency > 100ms', 2, 'pkg/logql/log/label_filter.go DurationLabelFilter')
cnt('duration label filter equal', '{job="audit"} | json | __error__="" | latency == 850ms', 1)
cnt('bytes label filter', '{job="audit"} | json | __error__="" | size > 1KB', 2, 'pkg/logql/log/label_filter.go BytesLabelFilter (humanize.ParseBytes)')
cnt('bytes label filter binary units', '{job="audit"} | json | __error__="" | size >= 2KiB', 1)
cnt('bytes label filter plain number', '{job="audit"} | json | __error__="" | size <= 10B', 1)
by('json extraction parameter', '{job="audit"} | json res="objectRef.resource" | __error__=""', 'res', [('pods', 2), ('secrets', 2)], 'pkg/logql/log/parser.go JSONExpressionParser')
by('json extraction array index', '{job="audit"} | json first_group="user.groups[0]" | __error__="" | first_group!=""', 'first_group', [('dev', 1)])
by('json extraction bracket key', '{job="audit"} | json v="[\\"verb\\"]" | __error__=""', 'v', [('create', 1), ('delete', 1), ('get', 1), ('list', 1)])
cnt('json extraction of an array keeps its JSON text', '{job="audit"} | json tags | __error__="" | tags="[1,2]"', 1, 'pkg/logql/log/parser.go JSONExpressionParser')
cnt('json extraction of an object keeps its JSON text', '{job="audit"} | json obj="objectRef" | __error__="" | obj=~".*pods.*"', 2)
cnt('json extraction non-json line is an error', '{job="audit"} | json verb | __error__="JSONParserErr" | drop __error__', 1, 'pkg/logql/log/parser.go isValidJSONStart')
by('json extraction multiple params', '{job="audit"} | json verb, who="user.username" | __error__="" | verb=~"get|list"', 'who', [('alice', 1), ('carol', 1)])

PL = 'pkg/logql/log/parser.go LogfmtParser; pkg/logql/log/logfmt/decode.go'
by('logfmt fields', '{job="svc"} | logfmt', 'method', [(None, 1), ('GET', 3), ('POST', 1)], PL)
by('logfmt quoted values', '{job="svc"} | logfmt', 'user', [(None, 4), ('bob smith', 1)], PL)
cnt('logfmt non-strict ignores bad pairs', '{job="svc"} | logfmt | level="info"', 3, PL)
cases.append(I('logfmt strict fails on unterminated quote', 'count_over_time({job="svc"} | logfmt --strict [1m])', t, error="pipeline error: 'LogfmtParserErr'", note=PL))
cases.append(I('logfmt strict not run when no label is read', 'sum(count_over_time({job="svc"} | logfmt --strict [1m]))', t, total(5), note=PH))
by('logfmt strict stops once grouped labels are found', '{job="svc"} | logfmt --strict', 'level', [('error', 1), ('info', 3), ('warn', 1)], PH + ' (level= comes before the unterminated quote, so the error is never reached)')
cnt('logfmt strict errors can be filtered', '{job="svc"} | logfmt --strict | __error__=""', 4, PL)
cnt('logfmt duration filter', '{job="svc"} | logfmt | duration > 100ms', 2)
cases.append(I('numeric filter on non-number sets LabelFilterErr', 'sum(count_over_time({job="svc"} | logfmt | status >= 400 [1m]))', t, error="pipeline error: 'LabelFilterErr'", note='pkg/logql/log/label_filter.go NumericLabelFilter keeps the line and sets __error__'))
cnt('numeric filter errors filtered', '{job="svc"} | logfmt | status >= 400 | __error__=""', 2)
cnt('numeric filter on missing label drops the line', '{job="svc"} | logfmt | bytes > 600B', 1, 'pkg/logql/log/label_filter.go (label not found: false)')
cnt('logfmt string filter with space', '{job="svc"} | logfmt | user="bob smith"', 1)
cnt('logfmt regex label filter', '{job="svc"} | logfmt | msg=~"rate.*"', 1)
cnt('label filter and', '{job="svc"} | logfmt | level="info" and method="GET"', 2)
cnt('label filter comma is and', '{job="svc"} | logfmt | level="info", method="GET"', 2)
cnt('label filter or', '{job="svc"} | logfmt | level="error" or level="warn"', 2)
cnt('label filter parentheses', '{job="svc"} | logfmt | (level="error" or level="warn") and method="GET"', 1)
cnt('label filter chained stages', '{job="svc"} | logfmt | method="GET" | level!="info"', 1)
cnt('label filter not regex', '{job="svc"} | logfmt | level!~"info|warn"', 1)
by('logfmt extraction parameters rename', '{job="svc"} | logfmt lvl="level"', 'lvl', [('error', 1), ('info', 3), ('warn', 1)], 'pkg/logql/log/parser.go LogfmtExpressionParser')
by('regexp named groups', '{job="svc"} | regexp "status=(?P<code>\\\\d+)"', 'code', [(None, 2), ('200', 1), ('401', 1), ('429', 1)], 'pkg/logql/log/parser.go RegexpParser')
by('regexp angle-bracket named groups', '{job="svc"} | regexp `level=(?<lvl>\\w+)`', 'lvl', [('error', 1), ('info', 3), ('warn', 1)])
cases.append(I('regexp without named group is rejected', 'sum(count_over_time({job="svc"} | regexp "status=(\\\\d+)" [1m]))', t, error='at least one named capture must be supplied'))
PP = 'pkg/logql/log/pattern/pattern.go Matcher.Matches'
pat = '{job="nginx"} | pattern `<ip> - - "<method> <path> <_>" <status> <size>`'
by('pattern captures', pat, 'method', [('GET', 2), ('POST', 1)], PP)
by('pattern captures status', pat, 'status', [('200', 1), ('201', 1), ('403', 1)], PP)
cnt('pattern then numeric filter', pat + ' | size > 500', 2)
by('pattern partial match keeps captured prefix', '{job="nginx"} | pattern "<ip> - - <_> /login<rest>"', 'ip', [('10.0.0.7', 1), ('192.168.1.10', 1), ('192.168.1.99', 1)], PP + ' (a missing literal ends matching, earlier captures stay)')
cnt('pattern with leading literal that does not match', '{job="nginx"} | pattern "GET <x>" | x!=""', 0, PP)

RNG = (0, 60, '60s')
cases.append(R('unpack restores _entry and labels', '{job="packed"} | unpack', *RNG, direction='forward', expected=streams([
 ({"container": "db", "job": "packed", "job_extracted": "x"}, [(20, 'original line 2')]),
 ({"container": "web", "job": "packed", "level": "info"}, [(10, 'original line 1')]),
]), note='pkg/logql/log/parser.go UnpackParser'))

PM = 'pkg/logql/log/labels.go (structured metadata category)'
by('structured metadata as labels', '{service_name="shop"} | otel_event_name="authn_login_fail"', 'user_id', [('u1', 1), ('u2', 1)], PM)
cases.append(I('structured metadata appears in series labels', 'count_over_time({service_name="shop"} | otel_event_name="authz_fail" [1m])', t,
  vec(t, [({"otel_event_name": "authz_fail", "service_name": "shop", "user_id": "u3"}, 1)]), note=PM))
cases.append(I('parsed keys colliding with metadata or stream labels get _extracted', 'count_over_time({service_name="shop"} | otel_event_name="authz_fail" | json [1m])', t,
  vec(t, [({"otel_event_name": "authz_fail", "service_name": "shop", "service_name_extracted": "other", "user_id": "u3", "user_id_extracted": "u9"}, 1)]), note=PJ + ' BaseHas / HasInCategory(StructuredMetadata)'))
by('ip label filter', '{service_name="shop"} | client_address=ip("10.0.0.0/24")', 'client_address', [('10.0.0.1', 1), ('10.0.0.2', 1)], 'pkg/logql/log/ip.go')
cnt('ip label filter negated skips lines without the label', '{service_name="shop"} | client_address!=ip("10.0.0.1")', 1, 'pkg/logql/log/ip.go IPLabelFilter.filterTy (missing label: false)')
cases.append(R('log query stream labels include metadata', '{service_name="shop"} |= "ok"', *RNG, expected=streams([({"otel_event_name": "authn_login_success", "service_name": "shop", "user_id": "u1"}, [(20, 'login ok')])]), note=PM))

PF = 'pkg/logql/log/fmt.go'
jt = '{job="audit"} | json | __error__=""'
cases.append(R('line_format and keep', jt + ' | line_format "{{.verb}} {{.objectRef_resource}} by {{.user_username | ToUpper}}" | keep verb', *RNG, direction='forward', expected=streams([
 ({"verb": "create"}, [(10, 'create secrets by ALICE')]),
 ({"verb": "delete"}, [(20, 'delete pods by BOB')]),
 ({"verb": "get"}, [(30, 'get secrets by ALICE')]),
 ({"verb": "list"}, [(50, 'list pods by CAROL')]),
]), note=PF + ' LineFormatter; pkg/logql/log/keep_labels.go'))
cases.append(R('line_format missing key renders empty', '{job="k"} | line_format "[{{.nope}}]"', *RNG, direction='forward', expected=streams([(K, [(10, '[]'), (20, '[]')])]), note=PF + ' missingkey=zero'))
cases.append(R('line_format single key missing gives empty line', '{job="k"} | line_format "{{.nope}}"', *RNG, direction='forward', expected=streams([(K, [(10, ''), (20, '')])]), note=PF + ' simpleKey'))
cases.append(R('line_format with __line__', '{job="k"} | line_format "line: {{ __line__ }}"', *RNG, direction='forward', expected=streams([(K, [(10, 'line: a=1 b=2 c=3'), (20, 'line: a=1 b=5')])]), note=PF))
cnt('line filter after line_format sees the new line', jt + ' | line_format "{{.verb}}" |= "get"', 1, PF)
by('label_format rename', jt + ' | label_format who=user_username', 'who', [('alice', 2), ('bob', 1), ('carol', 1)], PF + ' LabelsFormatter')
cnt('label_format rename removes the source', jt + ' | label_format who=user_username | user_username!=""', 0, PF)
by('label_format template', jt + ' | label_format tag="{{.verb}}-{{.objectRef_resource}}"', 'tag', [('create-secrets', 1), ('delete-pods', 1), ('get-secrets', 1), ('list-pods', 1)], PF)
by('template pipeline functions', jt + ' | label_format v="{{ .verb | upper | trunc 3 }}"', 'v', [('CRE', 1), ('DEL', 1), ('GET', 1), ('LIS', 1)], PF + ' (sprig upper, trunc)')
by('template if else', jt + ' | label_format v=`{{ if eq .verb "delete" }}danger{{ else }}ok{{ end }}`', 'v', [('danger', 1), ('ok', 3)], PF)
by('template printf', jt + ' | label_format v=`{{ printf "%s/%s" .objectRef_namespace .verb }}`', 'v', [('/list', 1), ('dev/get', 1), ('prod/create', 1), ('prod/delete', 1)], PF)
by('template sprig replace', jt + ' | label_format v=`{{ .verb | replace "e" "E" }}`', 'v', [('crEatE', 1), ('dElEtE', 1), ('gEt', 1), ('list', 1)], PF)
by('template regexReplaceAll', jt + ' | label_format v=`{{ regexReplaceAll "(\\\\w)\\\\w*" .verb "${1}" }}`', 'v', [('c', 1), ('d', 1), ('g', 1), ('l', 1)], PF)
by('template ToLower and Replace', jt + ' | label_format v=`{{ Replace (ToLower .user_username) "a" "4" -1 }}`', 'v', [('4lice', 2), ('bob', 1), ('c4rol', 1)], PF)
by('template default', jt + ' | label_format v=`{{ .objectRef_namespace | default "none" }}`', 'v', [('dev', 1), ('none', 1), ('prod', 2)], PF + ' (sprig default)')
by('template trim functions', '{job="k"} | label_format v=`{{ TrimPrefix "abc" "a" }}{{ TrimSuffix "xyz" "z" }}`', 'v', [('bcxy', 2)], PF)
by('template contains and hasPrefix', jt + ' | label_format v=`{{ if contains "ecr" .objectRef_resource }}s{{ else if hasPrefix "po" .objectRef_resource }}p{{ end }}`', 'v', [('p', 2), ('s', 2)], PF)
by('template arithmetic', jt + ' | label_format v=`{{ add .responseStatus_code 1 }}`', 'v', [('201', 2), ('202', 1), ('404', 1)], PF + ' (sprig add converts strings)')

PD = 'pkg/logql/log/drop_labels.go, keep_labels.go'
cases.append(I('drop a parsed label', 'count_over_time({job="k"} | logfmt | drop b [1m])', t, vec(t, [({"a": "1", "c": "3", "job": "k"}, 1), ({"a": "1", "job": "k"}, 1)]), note=PD))
cases.append(I('drop with a matcher', 'count_over_time({job="k"} | logfmt | drop b="5" [1m])', t, vec(t, [({"a": "1", "b": "2", "c": "3", "job": "k"}, 1), ({"a": "1", "job": "k"}, 1)]), note=PD))
cases.append(I('keep one label', 'count_over_time({job="k"} | logfmt | keep a [1m])', t, vec(t, [({"a": "1"}, 2)]), note=PD))
cases.append(I('keep stream and parsed labels', 'count_over_time({job="k"} | logfmt | keep job, c [1m])', t, vec(t, [({"c": "3", "job": "k"}, 1), ({"job": "k"}, 1)]), note=PD))
cases.append(I('keep with matcher', 'count_over_time({job="k"} | logfmt | keep a, b="5" [1m])', t, vec(t, [({"a": "1"}, 1), ({"a": "1", "b": "5"}, 1)]), note=PD))
cases.append(I('drop a stream label', 'count_over_time({job="k"} | drop job [1m])', t, vec(t, [({}, 2)]), note=PD))
cases.append(R('decolorize strips ANSI colours', '{job="color"} | decolorize', *RNG, direction='forward', expected=streams([(D, [(10, 'ERROR disk full'), (20, 'plain ok')])]), note='pkg/logql/log/pipeline.go decolorize'))
cnt('line filter after decolorize', '{job="color"} | decolorize |= "ERROR disk"', 1)
cnt('line filter before decolorize sees escapes', '{job="color"} |= "ERROR disk"', 0)

PU = 'pkg/logql/log/metrics_extraction.go labelSampleExtractor; pkg/logql/range_vector.go'
def q(v): return v
vals = [0.012, 1.5, 0.23]
srt = sorted(vals)
rank = 0.9 * 2
q90 = srt[1] * (1 - (rank - 1)) + srt[2] * (rank - 1)
cases += [
 I('unwrap bytes sum by method', 'sum by (method) (sum_over_time({job="svc"} | logfmt | unwrap bytes(bytes) [1m]))', t, vec(t, [({"method": "GET"}, 512), ({"method": "POST"}, 1000)]), note=PU),
 I('unwrap duration max by', 'max_over_time({job="svc"} | logfmt | unwrap duration(duration) [1m]) by (method)', t, vec(t, [({"method": "GET"}, 0.23), ({"method": "POST"}, 1.5)]), note=PU),
 I('unwrap conversion error fails the query', 'sum(sum_over_time({job="svc"} | logfmt | unwrap status [1m]))', t, error="pipeline error: 'SampleExtractionErr'", note=PU),
 I('unwrap post filter drops conversion errors', 'sum(sum_over_time({job="svc"} | logfmt | unwrap status | __error__="" [1m]))', t, total(1030), note=PU),
 I('avg_over_time by level', 'avg_over_time({job="svc"} | logfmt | unwrap duration_seconds(duration) [1m]) by (level)', t, vec(t, [({"level": "error"}, 1.5), ({"level": "info"}, 0.012), ({"level": "warn"}, 0.23)]), note=PU),
 I('quantile_over_time median', 'quantile_over_time(0.5, {job="svc"} | logfmt | unwrap duration(duration) [1m]) by (job)', t, vec(t, [({"job": "svc"}, 0.23)]), note='pkg/logql/range_vector.go Quantile'),
 I('quantile_over_time interpolates', 'quantile_over_time(0.9, {job="svc"} | logfmt | unwrap duration(duration) [1m]) by (job)', t, vec(t, [({"job": "svc"}, q90)]), note='pkg/logql/range_vector.go Quantile'),
 I('quantile_over_time above 1 is +Inf', 'quantile_over_time(2, {job="svc"} | logfmt | unwrap duration(duration) [1m]) by (job)', t, vec(t, [({"job": "svc"}, float('inf'))])),
 I('first_over_time', 'first_over_time({job="svc"} | logfmt | unwrap bytes(bytes) [1m]) by (job)', t, vec(t, [({"job": "svc"}, 512)])),
 I('last_over_time', 'last_over_time({job="svc"} | logfmt | unwrap bytes(bytes) [1m]) by (job)', t, vec(t, [({"job": "svc"}, 1000)])),
 I('min_over_time', 'min_over_time({job="svc"} | logfmt | unwrap bytes(bytes) [1m]) by (job)', t, vec(t, [({"job": "svc"}, 512)])),
 I('stddev_over_time', 'stddev_over_time({job="svc"} | logfmt | unwrap bytes(bytes) [1m]) by (job)', t, vec(t, [({"job": "svc"}, 244)])),
 I('stdvar_over_time', 'stdvar_over_time({job="svc"} | logfmt | unwrap bytes(bytes) [1m]) by (job)', t, vec(t, [({"job": "svc"}, 59536)])),
 I('rate with unwrap sums values per second (sum pushes by () into the extractor)', 'sum(rate({job="svc"} | logfmt | unwrap bytes(bytes) [1m]))', t, total((512 + 1000) / 60), note=PU),
 I('unwrapped label is dropped from series labels', 'sum_over_time({job="k"} | logfmt | unwrap b [1m])', t, vec(t, [({"a": "1", "c": "3", "job": "k"}, 2), ({"a": "1", "job": "k"}, 5)]), note='pkg/logql/log/metrics_extraction.go LabelExtractorWithStages (groups += labelName, without)'),
 I('unwrapped label kept when grouped by it', 'max_over_time({job="k"} | logfmt | unwrap b [1m]) by (b)', t, vec(t, [({"b": "2"}, 2), ({"b": "5"}, 5)])),
 I('unwrap with grouping without', 'max_over_time({job="k"} | logfmt | unwrap b [1m]) without (c)', t, vec(t, [({"a": "1", "job": "k"}, 5)]) if False else vec(t, [({"a": "1", "job": "k"}, 5)])),
 I('grouping not allowed for sum_over_time', 'sum_over_time({job="k"} | logfmt | unwrap b [1m]) by (a)', t, error='grouping not allowed for sum_over_time aggregation', note='pkg/logql/syntax/ast.go RangeAggregationExpr.validate'),
 I('unwrap not allowed for count_over_time', 'count_over_time({job="k"} | logfmt | unwrap b [1m])', t, error='invalid aggregation count_over_time with unwrap'),
 I('sum_over_time needs unwrap', 'sum_over_time({job="k"}[1m])', t, error='invalid aggregation sum_over_time without unwrap'),
 I('quantile_over_time needs a parameter', 'quantile_over_time({job="k"} | logfmt | unwrap b [1m])', t, error='parse error'),
]
n = dump(sys.argv[1], 'Parsers (json, logfmt, regexp, pattern, unpack), label filters, structured metadata, formatters, drop/keep, unwrap.\nExpected results derived from Loki v3.7.6 semantics; see each case note.', S, cases)
print(n)
