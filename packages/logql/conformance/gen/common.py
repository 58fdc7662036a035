import json, math
BASE = 1795428000  # 2026-11-23T10:00:00Z

def T(s):
    h, rem = divmod(s, 3600)
    m, sec = divmod(rem, 60)
    frac = ''
    if isinstance(sec, float) and sec != int(sec):
        frac = ('%.9f' % (sec - int(sec)))[1:].rstrip('0')
        sec = int(sec)
    return '2026-11-23T%02d:%02d:%02d%sZ' % (10 + h, m, sec, frac)

def NS(s):
    return str((BASE * 10**9) + int(round(s * 10**9)))

def SEC(s):
    v = BASE + s
    return int(v) if float(v).is_integer() else v

def fmt(v):
    if isinstance(v, str):
        return v
    if math.isnan(v): return 'NaN'
    if v == math.inf: return '+Inf'
    if v == -math.inf: return '-Inf'
    if float(v).is_integer() and abs(v) < 1e21:
        return str(int(v))
    r = repr(float(v))
    if 'e' in r:
        from decimal import Decimal
        return format(Decimal(r), 'f')
    return r

def vec(t, pairs):
    return {'resultType': 'vector', 'result': [{'metric': m, 'value': [SEC(t), fmt(v)]} for m, v in pairs]}

def scalar(t, v):
    return {'resultType': 'scalar', 'result': [SEC(t), fmt(v)]}

def matrix(series):
    # series: list of (metric, [(t, v), ...])
    return {'resultType': 'matrix', 'result': [{'metric': m, 'values': [[SEC(t), fmt(v)] for t, v in pts]} for m, pts in series]}

def streams(ss):
    # ss: list of (labels, [(t, line)])
    return {'resultType': 'streams', 'result': [{'stream': l, 'values': [[NS(t), line] for t, line in es]} for l, es in ss]}

def dump(path, header, stream_defs, cases):
    out = {'streams': [], 'cases': []}
    for labels, entries in stream_defs:
        es = []
        for e in entries:
            d = {'time': T(e[0]), 'line': e[1]}
            if len(e) > 2 and e[2]:
                d['metadata'] = e[2]
            es.append(d)
        out['streams'].append({'labels': labels, 'entries': es})
    names = set()
    for c in cases:
        assert c['name'] not in names, c['name']
        names.add(c['name'])
        out['cases'].append(c)
    with open(path, 'w') as f:
        f.write('# ' + header.replace('\n', '\n# ') + '\n')
        f.write('# Format: packages/logql/README.md#conformance-cases. Times are RFC3339 UTC; vector timestamps are Unix seconds.\n')
        f.write('streams:\n')
        for s in out['streams']:
            f.write('  - labels: ' + json.dumps(s['labels']) + '\n')
            f.write('    entries:\n')
            for e in s['entries']:
                f.write('      - ' + json.dumps(e, ensure_ascii=False) + '\n')
        f.write('cases:\n')
        for c in out['cases']:
            f.write('  - name: ' + json.dumps(c['name']) + '\n')
            f.write('    query: ' + json.dumps(c['query'], ensure_ascii=False) + '\n')
            for k in ('time', 'range', 'limit', 'direction', 'expected', 'error', 'loki', 'note'):
                if k in c:
                    f.write('    %s: %s\n' % (k, json.dumps(c[k], ensure_ascii=False)))
    return len(out['cases'])

def I(name, query, t, expected=None, error=None, note=None, loki=None):
    c = {'name': name, 'query': query, 'time': T(t)}
    if error is not None: c['error'] = error
    else: c['expected'] = expected
    if note: c['note'] = note
    if loki: c['loki'] = loki
    return c

def R(name, query, start, end, step, expected=None, error=None, note=None, limit=None, direction=None, loki=None):
    c = {'name': name, 'query': query, 'range': {'start': T(start), 'end': T(end), 'step': step}}
    if limit is not None: c['limit'] = limit
    if direction is not None: c['direction'] = direction
    if error is not None: c['error'] = error
    else: c['expected'] = expected
    if note: c['note'] = note
    if loki: c['loki'] = loki
    return c
