/** The first bytes of a download, after checking it succeeded: `%PDF-`, `PK` (zip), `\x89PNG`. */
export async function leadingBytes(response: Response, count: number): Promise<string> {
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${await response.text()}`);
  return Buffer.from(await response.arrayBuffer())
    .subarray(0, count)
    .toString('latin1');
}
