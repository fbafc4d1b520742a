/**
 * A light check of STIX patterns (specification 9): brackets and parentheses balance,
 * quoted strings close, and there is at least one comparison expression in square brackets
 * (`[ipv4-addr:value = '198.51.100.1']`). It is not a STIX patterning parser: a pattern
 * that passes can still be wrong in ways only a full grammar would see.
 */

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
