/**
 * JSON.parse that also accepts trailing commas before `}` or `]` (outside strings), as the
 * request bodies in Okta's own forum examples carry them (seed 000: `{"stateToken": "…",}`).
 * Anything else that is not JSON still fails.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const stripped = stripTrailingCommas(text);
    if (stripped === text) throw error;
    return JSON.parse(stripped) as unknown;
  }
}

function stripTrailingCommas(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (inString) {
      out += ch;
      if (ch === '\\') {
        out += text[i + 1] ?? '';
        i++;
      } else if (ch === '"') inString = false;
      continue;
    }
    if (ch === '"') inString = true;
    if (ch === ',') {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j] as string)) j++;
      if (text[j] === '}' || text[j] === ']') continue;
    }
    out += ch;
  }
  return out;
}
