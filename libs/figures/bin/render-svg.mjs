#!/usr/bin/env node
// Renders a Vega-Lite spec (JSON on stdin) to SVG on stdout, headless: the same specs the dashboard draws,
// as a vector file for a report. Vega and Vega-Lite ship as ES modules only, hence a script of its own.
import { compile } from 'vega-lite';
import { parse, View } from 'vega';

let input = '';
for await (const chunk of process.stdin) input += chunk;
const view = new View(parse(compile(JSON.parse(input)).spec), { renderer: 'none' });
process.stdout.write(await view.toSVG());
