// The Node-only half of @gradlab/figures: rendering specs to SVG, PDF, PNG, CSV and TeX files (Vega in a
// child process, pdfkit, resvg), and checking a rendered figure's layout. `@gradlab/figures` itself is what
// browsers load too.
export { renderScene, renderSvg, type Box, type FigureScene } from './src/render-svg';
export { figureCsv, galleryPdf, layoutForPrint, printWidthPt, renderFigure, svgToPng } from './src/render-figure';
export { figureTex, texEscape, type TexFigure } from './src/figure-tex';
export { layoutViolations, type LayoutRules } from './src/layout-rules';
