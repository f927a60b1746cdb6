/**
 * POSIX basic regular expressions (what bcftools compiles: regcomp without REG_EXTENDED, with the
 * GNU extensions glibc accepts) translated to JavaScript RegExp.
 *
 * In a BRE `( ) { } + ? |` are literals and `\( \) \{ \} \+ \? \|` are operators; `*` is literal at
 * the start of an expression; `^`/`$` anchor only at the start/end; inside `[...]` a backslash is a
 * literal and `[:alpha:]`-style classes are allowed.
 */

const CLASSES: Record<string, string> = {
  alpha: 'A-Za-z', digit: '0-9', alnum: '0-9A-Za-z', upper: 'A-Z', lower: 'a-z', space: ' \\t\\n\\r\\f\\v',
  blank: ' \\t', punct: '!-\\/:-@\\[-`{-~', print: ' -~', graph: '!-~', cntrl: '\\x00-\\x1f\\x7f', xdigit: '0-9A-Fa-f',
};

export class RegexSyntaxError extends Error {}

/** Translate a POSIX BRE to a JavaScript regular expression source. */
export function breToJs(bre: string): string {
  let out = '';
  let i = 0;
  const n = bre.length;
  // true when the next character starts an expression (where * is a literal and ^ an anchor)
  let atStart = true;
  let depth = 0;
  while (i < n) {
    const c = bre[i];
    if (c === '\\') {
      if (i + 1 >= n) throw new RegexSyntaxError('trailing backslash');
      const d = bre[i + 1];
      i += 2;
      switch (d) {
        case '(': out += '('; depth++; atStart = true; continue;
        case ')':
          if (depth === 0) throw new RegexSyntaxError('unmatched \\)');
          depth--; out += ')'; atStart = false; continue;
        case '{': {
          const close = bre.indexOf('\\}', i);
          if (close < 0) throw new RegexSyntaxError('unmatched \\{');
          const body = bre.slice(i, close);
          if (!/^\d*(,\d*)?$/.test(body) || body === '' || body === ',') throw new RegexSyntaxError('invalid \\{\\} content');
          out += atStart ? escapeLiteral('{' + body + '}') : '{' + (body.startsWith(',') ? '0' + body : body) + '}';
          i = close + 2;
          atStart = false;
          continue;
        }
        case '}': out += '\\}'; atStart = false; continue;
        case '+': case '?':
          out += atStart ? '\\' + d : d; atStart = false; continue;
        case '|': out += '|'; atStart = true; continue;
        case '<': out += '\\b(?=\\w)'; continue;
        case '>': out += '\\b(?<=\\w)'; continue;
        case 'b': out += '\\b'; continue;
        case 'B': out += '\\B'; continue;
        case 'w': out += '\\w'; atStart = false; continue;
        case 'W': out += '\\W'; atStart = false; continue;
        case 's': out += '\\s'; atStart = false; continue;
        case 'S': out += '\\S'; atStart = false; continue;
        case '`': out += '^'; continue;
        case "'": out += '$'; continue;
        default:
          if (d >= '1' && d <= '9') { out += '\\' + d; atStart = false; continue; }
          out += escapeLiteral(d);
          atStart = false;
          continue;
      }
    }
    if (c === '[') {
      const r = bracket(bre, i);
      out += r.src;
      i = r.end;
      atStart = false;
      continue;
    }
    if (c === '*') {
      out += atStart ? '\\*' : '*';
      i++;
      atStart = false;
      continue;
    }
    if (c === '^') {
      out += atStart ? '^' : '\\^';
      i++;
      continue;
    }
    if (c === '$') {
      // an anchor at the end of the expression or before \) or \|
      const rest = bre.slice(i + 1);
      out += rest === '' || rest.startsWith('\\)') || rest.startsWith('\\|') ? '$' : '\\$';
      i++;
      atStart = false;
      continue;
    }
    if (c === '.') { out += '[\\s\\S]'; i++; atStart = false; continue; }
    out += escapeLiteral(c);
    i++;
    atStart = false;
  }
  if (depth) throw new RegexSyntaxError('unmatched \\(');
  return out;
}

function escapeLiteral(s: string): string {
  return s.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
}

/** A POSIX bracket expression starting at bre[i] === '['. */
function bracket(bre: string, i: number): { src: string; end: number } {
  let j = i + 1;
  let neg = false;
  if (bre[j] === '^') { neg = true; j++; }
  let body = '';
  let first = true;
  for (;;) {
    if (j >= bre.length) throw new RegexSyntaxError('unmatched [');
    const c = bre[j];
    if (c === ']' && !first) { j++; break; }
    first = false;
    if (c === '[' && bre[j + 1] === ':') {
      const close = bre.indexOf(':]', j + 2);
      if (close < 0) throw new RegexSyntaxError('unmatched [:');
      const name = bre.slice(j + 2, close);
      const cls = CLASSES[name];
      if (cls === undefined) throw new RegexSyntaxError(`unknown character class [:${name}:]`);
      body += cls;
      j = close + 2;
      continue;
    }
    if (c === '[' && (bre[j + 1] === '.' || bre[j + 1] === '=')) {
      const end = bre.indexOf(bre[j + 1] + ']', j + 2);
      if (end < 0) throw new RegexSyntaxError('unmatched collating element');
      body += escapeClassChar(bre.slice(j + 2, end));
      j = end + 2;
      continue;
    }
    if (c === '-') { body += '-'; j++; continue; }
    body += escapeClassChar(c);
    j++;
  }
  // a '-' first or last is literal in POSIX; escape those for JS
  body = body.replace(/^-/, '\\-').replace(/-$/, '\\-');
  return { src: '[' + (neg ? '^' : '') + body + ']', end: j };
}

function escapeClassChar(c: string): string {
  return c.replace(/[\\\]\[^]/g, '\\$&');
}

/** Compile a bcftools regex value (`/i` suffix for case-insensitive) to a RegExp. */
export function compileBcftoolsRegex(key: string): { regex: RegExp; pattern: string } {
  let pattern = key;
  let flags = 's';
  const len = key.length;
  if (len > 2 && key[len - 1] === 'i' && key[len - 2] === '/' && key[len - 3] !== '\\') {
    pattern = key.slice(0, len - 2);
    flags += 'i';
  }
  return { regex: new RegExp(breToJs(pattern), flags), pattern };
}
