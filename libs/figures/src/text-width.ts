/**
 * DejaVu Sans's advance widths, in thousandths of an em, for the printable ASCII characters from ' ' (32) to
 * '~' (126): the font every format embeds or draws. Read once from the font with fontkit; kept here so the
 * spec builders, which also run in the browser, can size keys without loading the font.
 */
const ASCII_WIDTHS = [
  318, 401, 460, 838, 636, 950, 780, 275, 390, 390, 500, 838, 318, 361, 318, 337, 636, 636, 636, 636, 636, 636, 636,
  636, 636, 636, 337, 337, 838, 838, 838, 531, 1000, 684, 686, 698, 770, 632, 575, 775, 752, 295, 295, 656, 557, 863,
  748, 787, 603, 787, 695, 635, 611, 732, 684, 989, 685, 611, 685, 390, 337, 390, 838, 500, 500, 613, 635, 550, 635,
  615, 352, 635, 634, 278, 278, 579, 278, 974, 634, 612, 635, 635, 411, 521, 392, 634, 592, 818, 592, 592, 525, 636,
  337, 636, 838,
];
/** Any other character ('…', '±', letters beyond ASCII): as wide as an em, which none of them exceeds by much. */
const OTHER_WIDTH = 1000;

/** How wide `text` is set in DejaVu Sans at `sizePt`, in points. */
export function textWidthPt(text: string, sizePt: number): number {
  let thousandths = 0;
  for (const ch of text) thousandths += ASCII_WIDTHS[ch.charCodeAt(0) - 32] ?? OTHER_WIDTH;
  return (thousandths / 1000) * sizePt;
}
