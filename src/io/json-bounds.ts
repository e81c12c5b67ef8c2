// Bounds on untrusted JSON before JSON.parse builds it: one pass over the text counts the
// containers ({ and [) and values outside strings, so a crafted header or metadata field whose
// parse would cost far more memory than its bytes (600k tensor entries, millions of empty
// objects) is refused at the cost of a scan. Strings are free: they cost about their length.

export interface JsonBounds {
  /** Most objects + arrays allowed. */
  containers: number;
  /** Most values (numbers, literals, containers, keys) allowed outside strings. */
  values: number;
  /** Deepest nesting allowed (JSON.parse recurses). */
  depth: number;
}

/** Count what JSON.parse would build; throws `${what}: …` when a bound is passed. */
export function checkJsonBounds(text: string, bounds: JsonBounds, what: string): void {
  let containers = 0, values = 0, depth = 0, inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
      continue;
    }
    switch (c) {
      case 34: inString = true; values++; break; // a string (key or value)
      case 123: case 91: // { [
        containers++; values++; depth++;
        if (depth > bounds.depth) throw new Error(`${what}: JSON nested deeper than ${bounds.depth} levels`);
        if (containers > bounds.containers) throw new Error(`${what}: JSON has more than ${bounds.containers} objects and arrays`);
        break;
      case 125: case 93: depth--; break;
      case 44: values++; // a comma starts another value (or key)
        if (values > bounds.values) throw new Error(`${what}: JSON has more than ${bounds.values} values`);
        break;
    }
  }
}

/** Parse untrusted JSON within `bounds`; errors say `${what} is not valid JSON (…)`. */
export function parseBoundedJson(text: string, bounds: JsonBounds, what: string): unknown {
  checkJsonBounds(text, bounds, what);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${what} is not valid JSON (${(e as Error).message})`);
  }
}
