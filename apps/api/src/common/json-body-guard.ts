/** The deepest a JSON body may nest: a run's config is 3 levels deep, a GraphQL request's variables a few more. */
export const MAX_JSON_DEPTH = 64;

/** A body refused before it is parsed, or while (body-parser passes the error on, stripped of its own fields). */
export class JsonBodyRefused extends Error {}
/** One with a "__proto__" key. */
export class PrototypeKeyRefused extends JsonBodyRefused {}

/**
 * body-parser's `verify`, before the body is parsed: refuses one nested deeper than MAX_JSON_DEPTH. One
 * pass over the bytes, iterative (brackets inside strings do not count), so no nesting can exhaust a stack,
 * here or in any later walk over the parsed value.
 */
export function refuseDeepJson(_request: unknown, _response: unknown, body: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > MAX_JSON_DEPTH)
        throw new JsonBodyRefused(`request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (byte === 0x5d || byte === 0x7d) depth--;
  }
}

/**
 * JSON.parse's reviver: refuses a key "__proto__" anywhere. JSON.parse keeps it as a plain key, but any
 * later copy into an object (zod's records, spreads) would set the prototype instead, and the key would
 * vanish silently; no field of ours is named so.
 */
export function refusePrototypeKeys(this: unknown, key: string, value: unknown): unknown {
  if (key === '__proto__')
    throw new PrototypeKeyRefused('request body has a key named "__proto__", which no field accepts');
  return value;
}
