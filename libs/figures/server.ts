// The Node-only half of @gradlab/figures: rendering specs to SVG, PDF, PNG, CSV and TeX files (Vega in a
// child process, pdfkit, resvg). `@gradlab/figures` itself is what browsers load too.
export { renderSvg } from './src/render-svg';
export { figureCsv, printWidthPt, renderFigure } from './src/render-figure';
export { figureTex, texEscape, type TexFigure } from './src/figure-tex';
