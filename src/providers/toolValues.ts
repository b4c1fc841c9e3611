/**
 * Reads one parameter value of a tool call written as text (`<parameter=KEY>\nVALUE\n</parameter>`) as the
 * type its JSON schema declares. The text format carries no types, so the schema is the only authority: a
 * value that does not fit is refused (the caller then recovers nothing) rather than guessed into shape.
 */

/** A value read, wrapped so that `null` (a valid JSON value) is not mistaken for "does not fit". */
export interface ReadValue {
  value: unknown;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// JSON's number syntax, plus a leading zero or a plus sign (harmless, and models write them); never hex,
// Infinity or an empty string, which `Number()` would also take.
const NUMBER = /^[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?$/;

/** Strict types first: a string accepts any text, so in a union it is only the last resort. */
const TYPE_ORDER = ['null', 'boolean', 'integer', 'number', 'array', 'object', 'string'] as const;
type JsonType = (typeof TYPE_ORDER)[number];

function parseJson(text: string): ReadValue | undefined {
  try {
    return { value: JSON.parse(text) as unknown };
  } catch {
    return undefined;
  }
}

function readAs(type: JsonType, value: string): ReadValue | undefined {
  const text = value.trim();
  switch (type) {
    case 'string':
      return { value };
    case 'integer':
    case 'number': {
      if (!NUMBER.test(text)) return undefined;
      const n = Number(text);
      if (!Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n))) return undefined;
      return { value: n };
    }
    case 'boolean': {
      // Only the two words (Python-trained models capitalise them); "yes", "1" or "on" are not booleans here.
      const word = text.toLowerCase();
      return word === 'true' ? { value: true } : word === 'false' ? { value: false } : undefined;
    }
    case 'null':
      return text === 'null' ? { value: null } : undefined;
    case 'array':
    case 'object': {
      const parsed = parseJson(text);
      if (!parsed) return undefined;
      const fits = type === 'array' ? Array.isArray(parsed.value) : isRecord(parsed.value);
      return fits ? parsed : undefined;
    }
  }
}

/** No declared type: JSON when the text is JSON (`42`, `["a"]`, `"quoted"`), else the text itself. */
function readUntyped(value: string): ReadValue {
  return parseJson(value.trim()) ?? { value };
}

function declaredTypes(schema: Record<string, unknown>): JsonType[] {
  const raw: unknown[] =
    typeof schema.type === 'string' ? [schema.type] : Array.isArray(schema.type) ? schema.type : [];
  return TYPE_ORDER.filter((t) => raw.includes(t));
}

/**
 * `value` (already without the newlines the format puts around it) read as `schema` says, or undefined when
 * it does not fit. Handled: `type` (one or a union; `integer` must be whole), `enum` (the value must be one of
 * its members), and `anyOf`/`oneOf` (the first member that fits, string members last). A schema without any
 * of these, or with only unknown type names, reads JSON when the text parses as JSON and a string otherwise.
 * Other keywords (`minimum`, `pattern`, …) are the tool's business, as they are for calls that arrive as JSON.
 */
export function readToolValue(value: string, schema: unknown): ReadValue | undefined {
  if (!isRecord(schema)) return readUntyped(value);
  if (Array.isArray(schema.enum)) {
    const text = value.trim();
    const hit = schema.enum.findIndex((e) =>
      typeof e === 'string'
        ? e === value || e === text
        : (typeof e === 'number' || typeof e === 'boolean' || e === null) && String(e) === text,
    );
    return hit >= 0 ? { value: schema.enum[hit] } : undefined;
  }
  const alternatives: unknown[] | undefined = Array.isArray(schema.anyOf)
    ? schema.anyOf
    : Array.isArray(schema.oneOf)
      ? schema.oneOf
      : undefined;
  if (alternatives) {
    const stringLike = (s: unknown): boolean =>
      !isRecord(s) || declaredTypes(s).includes('string') || declaredTypes(s).length === 0;
    const ordered = [...alternatives.filter((s) => !stringLike(s)), ...alternatives.filter(stringLike)];
    for (const alt of ordered) {
      const read = readToolValue(value, alt);
      if (read) return read;
    }
    return undefined;
  }
  const types = declaredTypes(schema);
  if (!types.length) return readUntyped(value);
  for (const t of types) {
    const read = readAs(t, value);
    if (read) return read;
  }
  return undefined;
}
