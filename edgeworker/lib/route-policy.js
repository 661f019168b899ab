/**
 * The route policy at the edge: the compiled `policy/routes.yaml` (lib/route-table.js, written by
 * `bin/policy compile`), parsed once per EdgeWorker instance, and the path rule applied before any
 * rule is matched. The authorizer loads the same table and decides the same way
 * (authorizer-fn `policy/RouteScopes` and `RequestPath`); `policy/decision-vectors.json` pins both.
 *
 * Table: a header line `edge-perimeter-route-table 1`, then one rule per line with six
 * tab-separated fields: METHOD (or ANY), PATTERN, `public`|`scoped`, ANY_OF, ALL_OF (space-separated
 * scopes or `-`), SOURCE (`file:line`). The first rule whose method and pattern match decides; a
 * request no rule matches is refused.
 */

export const TABLE_HEADER = 'edge-perimeter-route-table 1';
const METHOD = /^[A-Z]{1,16}$/;
const LITERAL = /^[A-Za-z0-9._~!$&'()+,;=:@-]+$/;
const NAMED = /^\{[A-Za-z_][A-Za-z0-9_]{0,63}\}$/;
const SCOPE = /^[\x21\x23-\x5b\x5d-\x7e]{1,128}$/;
/** Longest path examined; longer ones are refused. */
export const MAX_PATH_LENGTH = 8192;

/**
 * @typedef {object} Rule
 * @property {string} method     upper case or `ANY`
 * @property {string} pattern
 * @property {string[]} segments literals, `{}` for a named segment, `*` for the final wildcard
 * @property {boolean} isPublic
 * @property {string[]} anyOf
 * @property {string[]} allOf
 * @property {string} source
 */

/**
 * Parses a compiled table strictly.
 * @param {string} table
 * @returns {Rule[]}
 * @throws {Error} naming the offending line
 */
export function parseRouteTable(table) {
  if (typeof table !== 'string' || !table.endsWith('\n')) throw new Error('route table: must end with a newline');
  const lines = table.split('\n');
  if (lines[0] !== TABLE_HEADER) throw new Error(`route table line 1: expected '${TABLE_HEADER}'`);
  const rules = [];
  for (let i = 1; i < lines.length - 1; i++) rules.push(parseRule(lines[i], i + 1));
  if (rules.length === 0) throw new Error('route table: no rules');
  return Object.freeze(rules);
}

function parseRule(line, n) {
  const f = line.split('\t');
  const bad = (m) => new Error(`route table line ${n}: ${m}`);
  if (f.length !== 6) throw bad(`expected 6 tab-separated fields, got ${f.length}`);
  const [method, pattern, access, anyOf, allOf, source] = f;
  if (method !== 'ANY' && !METHOD.test(method)) throw bad(`invalid method '${method}'`);
  const segments = patternSegments(pattern, bad);
  if (access !== 'public' && access !== 'scoped') throw bad('access must be public or scoped');
  const any = scopeList(anyOf, bad);
  const all = scopeList(allOf, bad);
  const isPublic = access === 'public';
  if (isPublic ? any.length > 0 || all.length > 0 : any.length === 0 && all.length === 0) {
    throw bad(isPublic ? 'a public rule names no scopes' : 'a scoped rule needs scopes');
  }
  if (!source) throw bad('no source');
  return Object.freeze({ method, pattern, segments, isPublic, anyOf: any, allOf: all, source });
}

function patternSegments(pattern, bad) {
  if (pattern === '/') return Object.freeze([]);
  if (!pattern.startsWith('/') || pattern.length > 512) throw bad("pattern must start with '/'");
  const parts = pattern.slice(1).split('/');
  return Object.freeze(parts.map((p, i) => {
    if (p === '*' && i === parts.length - 1) return '*';
    if (NAMED.test(p)) return '{}';
    if (LITERAL.test(p) && p !== '.' && p !== '..') return p;
    throw bad(`invalid pattern segment '${p}'`);
  }));
}

function scopeList(field, bad) {
  if (field === '-') return Object.freeze([]);
  const out = [];
  for (const s of field.split(' ')) {
    if (!SCOPE.test(s) || out.includes(s)) throw bad(`invalid or repeated scope '${s}'`);
    out.push(s);
  }
  return Object.freeze(out);
}

const hex = (c) => (c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1);
const unreserved = (c) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57)
  || c === 45 || c === 46 || c === 95 || c === 126;

/**
 * The path rule (docs/contract.md): refuses a path not starting with `/`, a doubled slash, a `.` or
 * `..` segment, a backslash, a malformed percent escape, and an escape of `/`, `\` or an
 * unreserved character. A trailing slash is allowed.
 * @param {string} path the request path as sent, without the query
 * @returns {boolean}
 */
export function isNormalPath(path) {
  if (typeof path !== 'string' || path.length === 0 || path.length > MAX_PATH_LENGTH || path.charCodeAt(0) !== 47) {
    return false;
  }
  const n = path.length;
  let segmentStart = 1;
  for (let i = 1; i <= n; i++) {
    const c = i < n ? path.charCodeAt(i) : 47;
    if (c === 47) {
      const len = i - segmentStart;
      if (len === 0 && i < n) return false;
      if ((len === 1 && path.charCodeAt(segmentStart) === 46)
        || (len === 2 && path.charCodeAt(segmentStart) === 46 && path.charCodeAt(segmentStart + 1) === 46)) return false;
      segmentStart = i + 1;
    } else if (c === 92) {
      return false;
    } else if (c === 37) {
      if (i + 2 >= n) return false;
      const hi = hex(path.charCodeAt(i + 1));
      const lo = hex(path.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return false;
      const octet = hi * 16 + lo;
      if (octet === 47 || octet === 92 || unreserved(octet)) return false;
      i += 2;
    }
  }
  return true;
}

/**
 * Whether `rule` covers `method` `path` (a path that passed the path rule).
 * @param {Rule} rule
 */
export function ruleMatches(rule, method, path) {
  if (rule.method !== 'ANY' && rule.method !== method) return false;
  const segs = rule.segments;
  const n = path.length;
  if (segs.length === 0) return n === 1;
  let pos = 1;
  for (const seg of segs) {
    if (seg === '*') return pos <= n;
    if (pos > n) return false;
    let end = path.indexOf('/', pos);
    if (end < 0) end = n;
    if (seg === '{}') {
      if (end === pos) return false;
    } else if (end - pos !== seg.length || !path.startsWith(seg, pos)) {
      return false;
    }
    pos = end + 1;
  }
  return pos === n + 1;
}

/**
 * Whether a token holding `scopes` may call `rule`'s routes.
 * @param {Rule} rule
 * @param {Set<string>} scopes
 */
export function ruleGrants(rule, scopes) {
  if (rule.isPublic) return true;
  for (const s of rule.allOf) if (!scopes.has(s)) return false;
  if (rule.anyOf.length === 0) return true;
  for (const s of rule.anyOf) if (scopes.has(s)) return true;
  return false;
}

/**
 * The first rule matching `method` `path`, or null. The path must have passed {@link isNormalPath}.
 * @param {Rule[]} rules
 * @returns {Rule|null}
 */
export function matchRoute(rules, method, path) {
  for (const rule of rules) if (ruleMatches(rule, method, path)) return rule;
  return null;
}

/**
 * The policy's decision: `path_not_normal`, `scope_denied` or `allow`, and the deciding rule.
 * @param {Rule[]} rules
 * @param {string} method
 * @param {string} path
 * @param {Set<string>} scopes
 * @returns {{decision: 'allow'|'scope_denied'|'path_not_normal', rule: Rule|null}}
 */
export function decideRoute(rules, method, path, scopes) {
  if (!isNormalPath(path)) return { decision: 'path_not_normal', rule: null };
  const rule = matchRoute(rules, method, path);
  if (!rule) return { decision: 'scope_denied', rule: null };
  return { decision: ruleGrants(rule, scopes) ? 'allow' : 'scope_denied', rule };
}

/**
 * Splits an OAuth `scope` claim (space-separated) into a set.
 * @param {string|undefined} scope
 */
export function scopeSet(scope) {
  return new Set(typeof scope === 'string' ? scope.split(' ').filter(Boolean) : []);
}
