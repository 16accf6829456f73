/**
 * Where a node is written in a block's JSON text: the `"id": "<node>"` that follows the graph's key, so the
 * editor can select the node an error names. Null when the text does not hold it.
 */
export function nodeInText(text: string, graph: string | null, node: string): { start: number; end: number } | null {
  const from = graph ? Math.max(0, text.indexOf(`"${graph}"`)) : 0;
  const pattern = new RegExp(`"id"\\s*:\\s*"${node.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`, 'g');
  pattern.lastIndex = from;
  const match = pattern.exec(text);
  return match ? { start: match.index, end: match.index + match[0].length } : null;
}
