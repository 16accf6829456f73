/**
 * The set variables of an environment. An empty one (`GRADLAB_ADMIN_EMAIL=` in an env file, or
 * `${VAR:-}` in docker-compose.yml) counts as unset, so it takes its default instead of failing validation.
 */
export function setVariables(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''),
  );
}
