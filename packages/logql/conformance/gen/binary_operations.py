import sys, math; sys.path.insert(0, __import__('os').path.dirname(__file__))
from common import *
Wa = {"env": "prod", "instance": "a", "job": "web"}
Wb = {"env": "prod", "instance": "b", "job": "web"}
Wc = {"env": "dev", "instance": "c", "job": "web"}
Da = {"env": "prod", "instance": "a", "job": "db"}
Oa = {"instance": "a", "job": "owners", "team": "blue"}
Ob = {"instance": "b", "job": "owners", "team": "red"}
S = [
 (Wa, [(10, 'GET / 200'), (20, 'GET /x error 500'), (30, 'GET /y 200'), (50, 'POST /z error 502')]),
 (Wb, [(15, 'GET / 200'), (45, 'GET /q error 500')]),
 (Wc, [(25, 'GET / 200')]),
 (Da, [(12, 'query error deadlock'), (22, 'query error timeout'), (32, 'query error lock')]),
 (Oa, [(5, 'owner')]),
 (Ob, [(6, 'owner')]),
]
t = 60
T = 'count_over_time({job=~"web|db"}[1m])'
E = 'count_over_time({job=~"web|db"} |= "error" [1m])'
cnt = {'Wc': 1, 'Da': 3, 'Wa': 4, 'Wb': 2}
err = {'Da': 3, 'Wa': 2, 'Wb': 1}
L = {'Wc': Wc, 'Da': Da, 'Wa': Wa, 'Wb': Wb}
order = ['Wc', 'Da', 'Wa', 'Wb']
def V(pairs): return vec(t, [(L[k] if isinstance(k, str) else k, v) for k, v in pairs])
B = 'pkg/logql/evaluator.go vectorBinop / LiteralStepEvaluator; pkg/logql/syntax/ast.go MergeBinOp'
cases = []
def add(name, q, pairs, note=B): cases.append(I(name, q, t, V(pairs), note=note))
add('vector divided by vector matches on all labels', f'{E} / {T}', [('Da', 1), ('Wa', 0.5), ('Wb', 0.5)])
add('vector minus vector', f'{T} - {E}', [('Da', 0), ('Wa', 2), ('Wb', 1)])
add('vector times scalar', f'{T} * 2', [(k, cnt[k] * 2) for k in order])
add('scalar times vector', f'2 * {T}', [(k, cnt[k] * 2) for k in order])
add('scalar minus vector keeps order of operands', f'10 - {T}', [(k, 10 - cnt[k]) for k in order])
add('vector divided by scalar', f'{T} / 4', [(k, cnt[k] / 4) for k in order])
add('scalar divided by vector', f'4 / {T}', [(k, 4 / cnt[k]) for k in order])
add('vector modulo', f'{T} % 3', [(k, cnt[k] % 3) for k in order])
add('vector power', f'{T} ^ 2', [(k, cnt[k] ** 2) for k in order])
add('vector divided by zero is NaN', f'{T} / 0', [(k, float('nan')) for k in order])
add('comparison filters', f'{T} > 2', [('Da', 3), ('Wa', 4)])
add('comparison with bool', f'{T} > bool 2', [(k, 1 if cnt[k] > 2 else 0) for k in order])
add('literal on the left of a comparison', f'2 < {T}', [('Da', 3), ('Wa', 4)])
add('literal on the left with bool', f'2 < bool {T}', [(k, 1 if 2 < cnt[k] else 0) for k in order])
add('equality comparison', f'{T} == 2', [('Wb', 2)])
add('inequality comparison', f'{T} != 2', [('Wc', 1), ('Da', 3), ('Wa', 4)])
add('greater or equal', f'{T} >= 3', [('Da', 3), ('Wa', 4)])
add('less or equal', f'{T} <= 1', [('Wc', 1)])
add('less than', f'{T} < 3', [('Wc', 1), ('Wb', 2)])
add('vector comparison keeps left values', f'{T} > {E}', [('Wa', 4), ('Wb', 2)])
add('vector comparison with bool', f'{T} > bool {E}', [('Da', 0), ('Wa', 1), ('Wb', 1)])
add('bool on arithmetic is ignored', f'{T} + bool {E}', [('Da', 6), ('Wa', 6), ('Wb', 3)], note='pkg/logql/syntax/syntax.y allows bool on every binary operator')
add('and keeps matching left series', f'{T} and {E}', [('Da', 3), ('Wa', 4), ('Wb', 2)])
add('unless keeps unmatched left series', f'{T} unless {E}', [('Wc', 1)])
add('or adds unmatched right series', f'{E} or {T}', [('Wc', 1), ('Da', 3), ('Wa', 2), ('Wb', 1)])
add('group_left with on', f'{T} / on (job) group_left sum by (job) ({T})', [('Wc', 1/7), ('Da', 1), ('Wa', 4/7), ('Wb', 2/7)])
add('group_left with ignoring', f'{T} / ignoring (instance, env) group_left sum by (job) ({T})', [('Wc', 1/7), ('Da', 1), ('Wa', 4/7), ('Wb', 2/7)])
add('group_right', f'sum by (job) ({T}) / on (job) group_right {T}', [('Wc', 7), ('Da', 1), ('Wa', 1.75), ('Wb', 3.5)])
add('group_left copies labels from the one side', f'sum by (instance, job) (count_over_time({{job="web"}}[1m])) * on (instance) group_left (team) count_over_time({{job="owners"}}[1m])',
    [({"instance": "a", "job": "web", "team": "blue"}, 4), ({"instance": "b", "job": "web", "team": "red"}, 2)])
add('on with one-to-one keeps only the on labels', f'sum by (job, env) ({T}) / on (job) sum by (job) ({T})', [({"job": "db"}, 1)] ) if False else None
add('on () with group_left divides by the total', f'{T} / on () group_left sum({T})', [(k, cnt[k] / 10) for k in order])
add('one-to-one on keeps only matching labels', f'sum by (job, env) (count_over_time({{job="db"}}[1m])) / on (job) sum by (job) ({T})', [({"job": "db"}, 1)], note='pkg/logql/evaluator.go resultMetric (one-to-one with on keeps the on labels)')
add('one-to-one ignoring drops the ignored labels', f'sum by (job, env) (count_over_time({{job="db"}}[1m])) / ignoring (env) sum by (job) ({T})', [({"job": "db"}, 1)])
cases.append(I('many-to-many is an error', f'{T} / on (job) {T}', t, error='found duplicate series on the right hand-side', note='pkg/logql/evaluator.go vectorBinop'))
cases.append(I('many-to-one must be explicit', f'{T} / on (job) sum by (job) ({T})', t, error='multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)', note='pkg/logql/evaluator.go vectorBinop'))
cases.append(I('set operation with a literal is rejected', f'sum by (job) ({T}) and 1', t, error='unexpected literal for right leg of logical/set binary operation (and)', note='pkg/logql/syntax/ast.go mustNewBinOpExpr'))
s10 = 10; e6 = 6
add('vector() plus vector()', 'vector(1) + vector(2)', [({}, 3)])
add('aggregate compared with bool', f'sum({T}) > bool 5', [({}, 1)])
add('aggregates added', f'sum({T}) + sum({E})', [({}, 16)])
add('multiplication binds tighter than addition', f'sum({T}) + sum({E}) * 2', [({}, 22)], note='pkg/logql/syntax/syntax.y precedence')
add('parentheses override precedence', f'(sum({T}) + sum({E})) * 2', [({}, 32)])
add('subtraction is left associative', f'sum({T}) - sum({E}) - 1', [({}, 3)])
add('division is left associative', f'sum({T}) / sum({E}) / 2', [({}, (10 / 6) / 2)])
add('power is right associative on vectors', f'vector(2) ^ vector(3) ^ vector(2)', [({}, 512)])
add('comparison binds looser than arithmetic', f'sum({T}) > 4 + 5', [({}, 10)])
add('comparison chain', f'sum({T}) > 5 > 1', [({}, 10)])
add('alert fallback with or vector(0)', f'sum({T}) > 100 or vector(0)', [({}, 0)], note='or binds loosest (syntax.y)')
add('and with on', f'sum by (job) ({T}) > 5 and on (job) sum by (job) ({E}) > 2', [({"job": "web"}, 7)])
add('unless with on', f'sum by (job) ({T}) unless on (job) sum by (job) ({E}) > 2', [])
add('label_replace adds a label', f'label_replace(sum by (job) ({T}), "svc", "$1-svc", "job", "(.*)")', [({"job": "db", "svc": "db-svc"}, 3), ({"job": "web", "svc": "web-svc"}, 7)], note='pkg/logql/evaluator.go label_replace (Prometheus semantics)')
add('label_replace without match leaves labels', f'label_replace(sum by (job) ({T}), "svc", "x", "job", "nomatch")', [({"job": "db"}, 3), ({"job": "web"}, 7)])
add('label_replace regex is anchored', f'label_replace(sum by (job) ({T}), "svc", "x", "job", "we")', [({"job": "db"}, 3), ({"job": "web"}, 7)])
add('label_replace empty value deletes the label', f'label_replace(sum by (job) ({T}), "job", "", "job", "web")', [({}, 7), ({"job": "db"}, 3)])
add('label_replace named group', f'label_replace(sum by (job) ({T}), "first", "${{c}}", "job", "(?P<c>.).*")', [({"first": "d", "job": "db"}, 3), ({"first": "w", "job": "web"}, 7)])
add('topk over an aggregation', f'topk(1, sum by (job) ({T}))', [({"job": "web"}, 7)])
add('absent in an alert expression', 'absent_over_time({job="web"} |= "panic" [1m])', [({"job": "web"}, 1)])
add('rate ratio', f'sum(rate({{job=~"web|db"}} |= "error" [1m])) / sum(rate({{job=~"web|db"}}[1m]))', [({}, (6 / 60) / (10 / 60))])
cases = [c for c in cases if c is not None]
cases.append(R('range query of a comparison', 'sum(count_over_time({job="web"}[20s])) > 1', 20, 60, '20s',
  matrix([({}, [(20, 3), (40, 2), (60, 2)])]), note='pkg/logql/engine.go JoinSampleVector'))
cases.append(R('range query of a binary operation between vectors', 'sum by (job) (count_over_time({job=~"web|db"} |= "error" [30s])) / sum by (job) (count_over_time({job=~"web|db"}[30s]))', 30, 60, '30s',
  matrix([({"job": "db"}, [(30, 1), (60, 1)]), ({"job": "web"}, [(30, 1/5), (60, 1)])])))
n = dump(sys.argv[1], 'Binary operators, vector matching, set operations, label_replace.\nExpected results derived from Loki v3.7.6 semantics; see each case note.', S, cases)
print(n)
