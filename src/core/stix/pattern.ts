/**
 * A light check of STIX patterns (specification 9): brackets and parentheses balance,
 * quoted strings close, and there is at least one comparison expression in square brackets
 * (`[ipv4-addr:value = '198.51.100.1']`). It is not a STIX patterning parser: a pattern
 * that passes can still be wrong in ways only a full grammar would see.
 */

import { isDomainName, isIpv4, isIpv6, KNOWN_HASHES } from './formats.js';

const OPENERS: Readonly<Record<string, string>> = { '[': ']', '(': ')' };
const CLOSERS: Readonly<Record<string, string>> = { ']': '[', ')': '(' };

/** A comparison: object path (`type:property…`), an operator, something after it. */
const COMPARISON =
  /[a-z0-9][a-z0-9-]*[a-z0-9]:[A-Za-z0-9_.'*[\]-]+\s*(?:NOT\s+)?(?:=|!=|<>|<=|>=|<|>|IN\b|LIKE\b|MATCHES\b|ISSUBSET\b|ISSUPERSET\b)\s*\S/;

/** The problems found in a STIX pattern, as sentences; empty when it looks well formed. */
export function checkStixPattern(pattern: string): string[] {
  const problems: string[] = [];
  const stack: { char: string; at: number }[] = [];
  // The pattern with the contents of quoted strings blanked, for the comparison search.
  let masked = '';
  let inString = false;
  let stringStart = 0;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (inString) {
      if (char === '\\') {
        i++;
        continue;
      }
      if (char === "'") {
        inString = false;
        masked += "s'";
      }
      continue;
    }
    if (char === "'") {
      inString = true;
      stringStart = i;
      masked += "'";
      continue;
    }
    masked += char;
    if (OPENERS[char]) {
      stack.push({ char, at: i });
    } else if (CLOSERS[char]) {
      const open = stack.pop();
      if (!open) {
        problems.push(`"${char}" at position ${i + 1} closes nothing`);
        return problems;
      }
      if (open.char !== CLOSERS[char]) {
        problems.push(
          `"${char}" at position ${i + 1} does not match "${open.char}" at position ${open.at + 1}`,
        );
        return problems;
      }
    }
  }
  if (inString) {
    problems.push(`the quoted string starting at position ${stringStart + 1} is not closed`);
    return problems;
  }
  const unclosed = stack.pop();
  if (unclosed) {
    problems.push(`"${unclosed.char}" at position ${unclosed.at + 1} is not closed`);
    return problems;
  }
  const observations = masked.match(/\[[^[\]]*(?:\[[^[\]]*\][^[\]]*)*\]/g) ?? [];
  if (!observations.some((observation) => COMPARISON.test(observation))) {
    problems.push(
      "must contain at least one comparison in square brackets, like [ipv4-addr:value = '198.51.100.1']",
    );
  }
  return problems;
}

interface ValueRule {
  valid: (value: string) => boolean;
  hint: string;
}

/** The observable values a pattern compares for equality, checked as the observables are. */
const VALUE_RULES: Readonly<Record<string, ValueRule>> = {
  'ipv4-addr:value': { valid: isIpv4, hint: 'an IPv4 address or CIDR block, like 198.51.100.3' },
  'ipv6-addr:value': { valid: isIpv6, hint: 'an IPv6 address or CIDR block, like 2001:db8::1' },
  // Names in the wild carry underscores (_dmarc, SRV records) and feeds match them.
  'domain-name:value': {
    valid: (value) => isDomainName(value.replaceAll('_', 'u')),
    hint: 'a domain name, like example.com',
  },
  // Only the shape: feeds hold addresses the strict observable format would refuse.
  'email-addr:value': {
    valid: (value) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value),
    hint: 'an e-mail address, like a@example.com',
  },
};

/** Observables whose `hashes` a pattern may compare (`file:hashes.'SHA-256' = '…'`). */
const HASHED = new Set(['file', 'artifact', 'x509-certificate']);

const STRING = String.raw`'(?:[^'\\]|\\.)*'`;
/** `type:path` then `=`, `!=` or `IN`, then a quoted string or a list of them. */
const EQUALITY = new RegExp(
  String.raw`([a-z0-9][a-z0-9-]*):((?:[A-Za-z0-9_]+|${STRING})(?:\.(?:[A-Za-z0-9_]+|${STRING})|\[[^\]]*\])*)\s*(?:NOT\s+)?(=|!=|IN\b)\s*(${STRING}|\((?:\s*${STRING}\s*,?)*\))`,
  'g',
);

function unquote(quoted: string): string {
  return quoted.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** `sha256`, `SHA-256` and `'SHA256'` all name one algorithm in the patterns feeds write. */
const hashKey = (name: string) => name.toUpperCase().replace(/[-_]/g, '');
const HASH_RULES = new Map(
  Object.entries(KNOWN_HASHES).map(([name, rule]) => [hashKey(name), rule]),
);

/** The rule for `type:path`, or undefined for paths whose values are not checked. */
function ruleFor(type: string, path: string): ValueRule | undefined {
  const rule = VALUE_RULES[`${type}:${path}`];
  if (rule) return rule;
  const hash = /^hashes\.(?:'([^']+)'|([A-Za-z0-9_-]+))$/.exec(path);
  const algorithm = hash?.[1] ?? hash?.[2];
  if (!HASHED.has(type) || algorithm === undefined) return undefined;
  const known = HASH_RULES.get(hashKey(algorithm));
  return known && { valid: (value) => known.format.test(value), hint: known.hint };
}

/**
 * The values a pattern compares for equality against observables Liaison knows, checked:
 * `[ipv4-addr:value = '999.1.1.1']` matches nothing and is a typing mistake, as is an MD5
 * of 31 digits. Wildcard operators (LIKE, MATCHES) and other paths are left alone.
 *
 * Applied to what this node's users write, not to what arrives from elsewhere: published
 * texts hold such slips (the OASIS PoisonIvy example compares domain-name:value with
 * 'domain autuo.xicp.net') and an import keeps them as they were published.
 */
export function checkPatternValues(pattern: string): string[] {
  const problems: string[] = [];
  for (const match of pattern.matchAll(EQUALITY)) {
    const [, type = '', path = '', , operand = ''] = match;
    const rule = ruleFor(type, path);
    if (!rule) continue;
    const values = operand.startsWith('(')
      ? [...operand.matchAll(new RegExp(STRING, 'g'))].map((m) => unquote(m[0]))
      : [unquote(operand)];
    for (const value of values) {
      if (!rule.valid(value)) {
        problems.push(`'${value}' in ${type}:${path} is not ${rule.hint}`);
      }
    }
  }
  return problems;
}
