/** Every student createStudent makes signs in with this. */
export const STUDENT_PASSWORD = 'correct horse battery';

/**
 * A team with a student in it, made through the api as staff would (the team may exist already); returns
 * the student's key. The integration tests' in-process api and the e2e tests' stack both use it.
 */
export async function createStudent(
  api: { url: string; adminToken: string },
  team: string,
  email: string,
): Promise<{ key: string; userId: string }> {
  const call = async (path: string, body: unknown) => {
    const response = await fetch(`${api.url}/api${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${api.adminToken}` },
      body: JSON.stringify(body),
    });
    if (!response.ok && response.status !== 409)
      throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return response.json();
  };
  await call('/teams', { name: team });
  const user = await call('/users', { email, team, role: 'student', password: STUDENT_PASSWORD });
  const key = await call('/keys', { name: 'test', userId: user.id });
  return { key: key.key, userId: user.id };
}
