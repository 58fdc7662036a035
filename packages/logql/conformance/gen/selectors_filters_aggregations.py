import sys; sys.path.insert(0, __import__('os').path.dirname(__file__))
from common import *
import math

A1 = {"env": "prod", "job": "app", "pod": "api-1"}
A2 = {"env": "dev", "job": "app", "pod": "api-2"}
C = {"env": "prod", "job": "nginx"}
a1 = [
 (10, 'level=info msg="user login" user=alice status=200 latency=15ms'),
 (20, 'level=error msg="db timeout" user=bob status=500 latency=1.2s'),
 (30, 'level=warn msg="slow request" user=alice status=200 latency=850ms'),
 (40, 'level=error msg="Auth failed" user=carol status=401 latency=5ms'),
]
a2 = [
 (15, 'level=info msg="health ok" status=200 latency=1ms'),
 (35, 'level=debug msg="cache miss" user=dave status=404 latency=3ms'),
]
c = [
 (5, '192.168.1.10 - - "GET /login HTTP/1.1" 200 512'),
 (25, '10.0.0.7 - - "POST /api/users HTTP/1.1" 201 1024'),
 (45, '192.168.1.99 - - "GET /admin HTTP/1.1" 403 128'),
]
S = [(A1, a1), (A2, a2), (C, c)]
t = 60
cases = []
RV = 'pkg/logql/range_vector.go (window (t-range, t])'
def total(n):
    return vec(t, [({}, n)]) if n else vec(t, [])

sel = [
 ('selector equality', '{job="app"}', 6),
 ('selector other stream', '{job="nginx"}', 3),
 ('selector regex alternation', '{job=~"app|nginx"}', 9),
 ('selector regex is fully anchored', '{job=~"ap"}', 0),
 ('selector regex prefix', '{job=~"ap.*"}', 6),
 ('selector not equal', '{job="app", env!="dev"}', 4),
 ('selector regex anchored on value', '{job="app", env=~"pro"}', 0),
 ('selector negative regex', '{job="app", pod!~"api-1"}', 2),
 ('selector shared label', '{env="prod"}', 7),
 ('selector missing label equals empty', '{job="app", missing=""}', 6),
 ('selector missing label not empty', '{job="app", missing!=""}', 0),
 ('selector case-insensitive flag', '{job=~"(?i)APP"}', 6),
 ('selector regex character class', '{pod=~"api-[0-9]"}', 6),
 ('selector negative regex alternation', '{job=~".+", env!~"dev|staging"}', 7),
]
for name, s, n in sel:
    cases.append(I(name, 'sum(count_over_time(%s[1m]))' % s, t, total(n), note='Prometheus label matchers, regexes anchored (pkg/logql/syntax/parser.go)'))
cases.append(I('selector needs a non-empty matcher', 'count_over_time({job=~".*"}[1m])', t, error='queries require at least one regexp or equality matcher that does not have an empty-compatible value'))
cases.append(I('selector with only negative matcher is rejected', 'count_over_time({job!="x"}[1m])', t, error='queries require at least one regexp or equality matcher'))

lf = [
 ('line contains', '|= "error"', 2),
 ('line not contains', '!= "error"', 4),
 ('line contains is case sensitive', '|= "Auth"', 1),
 ('line contains lowercase misses', '|= "auth"', 0),
 ('line regex case-insensitive', '|~ "(?i)auth"', 1),
 ('line regex groups', '|~ "status=(4|5)\\\\d\\\\d"', 3),
 ('line negative regex', '!~ "level=(info|debug)"', 3),
 ('line contains or', '|= "alice" or "bob"', 3),
 ('line not contains or means neither', '!= "alice" or "bob"', 3),
 ('line filters chain', '|= "error" |= "db"', 1),
 ('line contains then excludes', '|= "user" != "login"', 4),
 ('line pattern filter', '|> "level=<_> msg=<_>"', 6),
 ('line pattern filter literal in middle', '|> "<_> status=500 <_>"', 1),
 ('line negative pattern filter', '!> "<_> status=200 <_>"', 3),
 ('line contains empty matches all', '|= ""', 6),
 ('line regex alternation', '|~ "timeout|Auth"', 2),
 ('line regex unanchored substring', '|~ "ms$"', 5),
 ('line regex or chain', '|~ "debug" or "warn"', 2),
 ('line regex negative or chain', '!~ "debug" or "warn"', 4),
 ('line contains quote escaped', '|= "msg=\\"db"', 1),
 ('line contains backquoted', '|= `msg="Auth`', 1),
 ('line regex backquoted', '|~ `latency=\\d+ms`', 5),
]
for name, f, n in lf:
    cases.append(I(name, 'sum(count_over_time({job="app"} %s [1m]))' % f, t, total(n), note='pkg/logql/log/filter.go, pkg/logql/syntax/ast.go (or chains)'))
cases.append(I('ip line filter cidr', 'sum(count_over_time({job="nginx"} |= ip("192.168.1.0/24") [1m]))', t, total(2), note='pkg/logql/log/ip.go'))
cases.append(I('ip line filter negated', 'sum(count_over_time({job="nginx"} != ip("192.168.1.0/24") [1m]))', t, total(1), note='pkg/logql/log/ip.go'))
cases.append(I('ip line filter range', 'sum(count_over_time({job="nginx"} |= ip("10.0.0.1-10.0.0.9") [1m]))', t, total(1), note='pkg/logql/log/ip.go'))
cases.append(I('regex lookahead is rejected like RE2', 'count_over_time({job="app"} |~ "a(?=b)" [1m])', t, error='invalid or unsupported Perl syntax', note='Go regexp (RE2) has no look-around'))

# range functions per stream
bytes_c = sum(len(l.encode()) for _, l in c)
cases += [
 I('count_over_time per stream, sorted by labels', 'count_over_time({job="app"}[1m])', t, vec(t, [(A2, 2), (A1, 4)]), note='pkg/logql/engine.go: instant vectors sorted with labels.Compare'),
 I('rate is count divided by range seconds', 'rate({job="app"}[1m])', t, vec(t, [(A2, 2/60), (A1, 4/60)]), note=RV),
 I('bytes_over_time sums line bytes', 'bytes_over_time({job="nginx"}[1m])', t, vec(t, [(C, bytes_c)]), note=RV),
 I('bytes_rate', 'bytes_rate({job="nginx"}[1m])', t, vec(t, [(C, bytes_c/60)]), note=RV),
 I('window lower bound is exclusive', 'count_over_time({job="app"}[10s])', 20, vec(20, [(A2, 1), (A1, 1)]), note=RV),
 I('window upper bound is inclusive', 'count_over_time({job="app"}[15s])', 40, vec(40, [(A2, 1), (A1, 2)]), note=RV),
 I('window with no samples drops the series', 'count_over_time({job="app"}[10s])', 30, vec(30, [(A1, 1)]), note=RV),
 I('offset shifts the window back', 'count_over_time({job="app"}[20s] offset 20s)', t, vec(t, [(A2, 1), (A1, 2)]), note='pkg/logql/range_vector.go newRangeVectorIterator (start-offset, end-offset)'),
 I('query before any data is empty', 'count_over_time({job="app"}[5s])', 4, vec(4, [])),
 I('absent_over_time with no lines gives equality labels', 'absent_over_time({job="app", env="prod"} |= "panic" [1m])', t, vec(t, [({"env": "prod", "job": "app"}, 1)]), note='pkg/logql/evaluator.go absentLabels'),
 I('absent_over_time with lines is empty', 'absent_over_time({job="app"}[1m])', t, vec(t, [])),
 I('absent_over_time drops regex matcher labels', 'absent_over_time({job=~"app|x", env="staging"}[1m])', t, vec(t, [({"env": "staging"}, 1)]), note='pkg/logql/evaluator.go absentLabels'),
 I('absent_over_time drops duplicated label names', 'absent_over_time({job="app", job="other"}[1m])', t, vec(t, [({}, 1)]), note='pkg/logql/evaluator.go absentLabels'),
]

# vector aggregations
allv = [(A2, 2), (A1, 4), (C, 3)]
def welford(vals):
    count = 0; mean = 0.0; val = 0.0
    for i, v in enumerate(vals):
        if i == 0:
            mean = v; val = 0.0; count = 1; continue
        count += 1
        delta = v - mean
        mean += delta / count
        val += delta * (v - mean)
    return val / count
# Loki's vector agg iterates the input vector in the order of the inner result; the value is order-dependent only in the last bits.
sv = welford([4.0, 2.0, 3.0])
cases += [
 I('sum by env', 'sum by (env) (count_over_time({job=~"app|nginx"}[1m]))', t, vec(t, [({"env": "dev"}, 2), ({"env": "prod"}, 7)]), note='pkg/logql/evaluator.go VectorAggEvaluator'),
 I('sum by after the expression', 'sum(count_over_time({job=~"app|nginx"}[1m])) by (env)', t, vec(t, [({"env": "dev"}, 2), ({"env": "prod"}, 7)])),
 I('sum without pod', 'sum without (pod) (count_over_time({job="app"}[1m]))', t, vec(t, [({"env": "dev", "job": "app"}, 2), ({"env": "prod", "job": "app"}, 4)])),
 I('sum by missing label groups everything', 'sum by (nope) (count_over_time({job=~".+"}[1m]))', t, vec(t, [({}, 9)])),
 I('count of series', 'count(count_over_time({job=~".+"}[1m]))', t, vec(t, [({}, 3)])),
 I('count by env', 'count by (env) (count_over_time({job=~".+"}[1m]))', t, vec(t, [({"env": "dev"}, 1), ({"env": "prod"}, 2)])),
 I('max', 'max(count_over_time({job=~".+"}[1m]))', t, vec(t, [({}, 4)])),
 I('min', 'min(count_over_time({job=~".+"}[1m]))', t, vec(t, [({}, 2)])),
 I('avg', 'avg(count_over_time({job=~".+"}[1m]))', t, vec(t, [({}, 3)])),
 I('max by env', 'max by (env) (count_over_time({job=~".+"}[1m]))', t, vec(t, [({"env": "dev"}, 2), ({"env": "prod"}, 4)])),
 I('min by env', 'min by (env) (count_over_time({job=~".+"}[1m]))', t, vec(t, [({"env": "dev"}, 2), ({"env": "prod"}, 3)])),
 I('avg by env', 'avg by (env) (count_over_time({job=~".+"}[1m]))', t, vec(t, [({"env": "dev"}, 2), ({"env": "prod"}, 3.5)])),
 I('topk 1', 'topk(1, count_over_time({job=~".+"}[1m]))', t, vec(t, [(A1, 4)]), note='pkg/logql/evaluator.go topk heap'),
 I('bottomk 1', 'bottomk(1, count_over_time({job=~".+"}[1m]))', t, vec(t, [(A2, 2)])),
 I('topk 2 is sorted by labels in instant results', 'topk(2, count_over_time({job=~".+"}[1m]))', t, vec(t, [(A1, 4), (C, 3)]), note='pkg/logql/engine.go: only sort()/sort_desc() keep value order'),
 I('topk larger than input', 'topk(10, count_over_time({job=~".+"}[1m]))', t, vec(t, [(A2, 2), (A1, 4), (C, 3)])),
 I('topk by env', 'topk by (env) (1, count_over_time({job=~".+"}[1m]))', t, vec(t, [(A2, 2), (A1, 4)])),
 I('topk 0 is empty', 'topk(0, count_over_time({job=~".+"}[1m]))', t, vec(t, [])),
 I('stdvar of series', 'stdvar(count_over_time({job=~".+"}[1m]))', t, vec(t, [({}, sv)]), note='pkg/logql/evaluator.go stdvar (Welford); input order may move the last digit'),
 I('stddev of series', 'stddev(count_over_time({job=~".+"}[1m]))', t, vec(t, [({}, math.sqrt(sv))])),
 I('sort ascending keeps value order', 'sort(count_over_time({job=~".+"}[1m]))', t, vec(t, [(A2, 2), (C, 3), (A1, 4)]), note='pkg/logql/evaluator.go Sortable'),
 I('sort_desc', 'sort_desc(count_over_time({job=~".+"}[1m]))', t, vec(t, [(A1, 4), (C, 3), (A2, 2)])),
 I('nested aggregation', 'max(sum by (env) (count_over_time({job=~".+"}[1m])))', t, vec(t, [({}, 7)])),
 I('sum of empty is empty', 'sum(count_over_time({job="none"}[1m]))', t, vec(t, [])),
 I('vector() literal vector', 'vector(3)', t, vec(t, [({}, 3)])),
 I('scalar literal', '2', t, scalar(t, 2), note='pkg/logql/engine.go evalLiteral'),
 I('scalar arithmetic is folded', '1 + 2 * 3', t, scalar(t, 7), note='pkg/logql/syntax/syntax.y precedence'),
 I('scalar power is right associative', '2 ^ 3 ^ 2', t, scalar(t, 512)),
 I('scalar comparison is folded to 0 or 1', '1 > 2', t, scalar(t, 0), note='pkg/logql/syntax/ast.go reduceBinOp (filter=false)'),
 I('scalar comparison with bool', '3 > bool 2', t, scalar(t, 1)),
 I('scalar division by zero is NaN', '1 / 0', t, scalar(t, float('nan')), note='pkg/logql/syntax/ast.go MergeBinOp guards division by zero'),
 I('negative literal', '-1.5 * 2', t, scalar(t, -3)),
]

# range query matrices
cases += [
 R('range query count_over_time steps', 'count_over_time({job="app", env="prod"}[20s])', 20, 60, '20s', matrix([(A1, [(20, 2), (40, 2)])]), note='pkg/logql/engine.go JoinSampleVector'),
 R('range query sum by level', 'sum by (level) (count_over_time({job="app"} | logfmt [30s]))', 30, 60, '30s',
   matrix([({"level": "debug"}, [(60, 1)]), ({"level": "error"}, [(30, 1), (60, 1)]), ({"level": "info"}, [(30, 2)]), ({"level": "warn"}, [(30, 1)])])),
 R('range query scalar literal gives one series', '2', 0, 60, '30s', matrix([({}, [(0, 2), (30, 2), (60, 2)])]), note='pkg/logql/engine.go PopulateMatrixFromScalar'),
 R('range query vector()', 'vector(1)', 0, 20, '10s', matrix([({}, [(0, 1), (10, 1), (20, 1)])])),
 R('range query rate', 'rate({job="nginx"}[30s])', 30, 60, '15s', matrix([(C, [(30, 2/30), (45, 2/30), (60, 1/30)])])),
]

# log queries
RNG = (0, 60, '60s')
cases += [
 R('log query backward by default, streams sorted by labels', '{job="app"}', *RNG, expected=streams([(A2, [(35, a2[1][1]), (15, a2[0][1])]), (A1, [(40, a1[3][1]), (30, a1[2][1]), (20, a1[1][1]), (10, a1[0][1])])]), note='pkg/logql/engine.go readStreams; logqlmodel.Streams sort by labels string'),
 R('log query forward', '{job="app"}', *RNG, direction='forward', expected=streams([(A2, [(15, a2[0][1]), (35, a2[1][1])]), (A1, [(10, a1[0][1]), (20, a1[1][1]), (30, a1[2][1]), (40, a1[3][1])])])),
 R('log query limit keeps newest entries', '{job="app"}', *RNG, limit=2, expected=streams([(A2, [(35, a2[1][1])]), (A1, [(40, a1[3][1])])])),
 R('log query limit forward keeps oldest', '{job="app"}', *RNG, limit=2, direction='forward', expected=streams([(A2, [(15, a2[0][1])]), (A1, [(10, a1[0][1])])])),
 R('log query end is exclusive', '{job="nginx"}', 5, 45, '60s', expected=streams([(C, [(25, c[1][1]), (5, c[0][1])])]), note='pkg/iter/entry_iterator.go: maxt is exclusive, mint inclusive'),
 R('log query with filter', '{job="app"} |= "error"', *RNG, expected=streams([(A1, [(40, a1[3][1]), (20, a1[1][1])])])),
 R('log query empty', '{job="app"} |= "nothing-here"', *RNG, expected={'resultType': 'streams', 'result': []}),
 I('instant log query is rejected', '{job="app"}', t, error='log queries are not supported as an instant query type', note='pkg/logqlmodel/error.go ErrUnsupportedSyntaxForInstantQuery'),
]

n = dump(sys.argv[1], 'Stream selectors, line filters, range functions, vector aggregations, log queries.\nExpected results derived from Loki v3.7.6 semantics; see each case note.', S, cases)
print(n)
