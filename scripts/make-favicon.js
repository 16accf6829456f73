// Writes apps/web/src/app/favicon.ico: a 32x32 PNG inside an ICO, drawn here so it can be remade without an
// image editor. Gradlab's accent blue with three bars falling left to right, as gradients vanish with depth.
const { writeFileSync } = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const size = 32;
const blue = [0, 114, 178, 255];
const white = [255, 255, 255, 255];
const pixels = Buffer.alloc(size * size * 4);
const bars = [
  { x0: 6, x1: 11, top: 6 },
  { x0: 13, x1: 18, top: 14 },
  { x0: 20, x1: 25, top: 21 },
];
for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    // A rounded square: the corners stay transparent.
    const corner = Math.min(x, size - 1 - x) + Math.min(y, size - 1 - y) < 3;
    const bar = bars.some((b) => x >= b.x0 && x <= b.x1 && y >= b.top && y <= 26);
    const colour = corner ? [0, 0, 0, 0] : bar ? white : blue;
    pixels.set(colour, (y * size + x) * 4);
  }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buffer) => {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
};
const chunk = (type, data) => {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
};
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0);
header.writeUInt32BE(size, 4);
header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA
const rows = Buffer.concat(
  Array.from({ length: size }, (_, y) =>
    Buffer.concat([Buffer.from([0]), pixels.subarray(y * size * 4, (y + 1) * size * 4)]),
  ),
);
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', zlib.deflateSync(rows)),
  chunk('IEND', Buffer.alloc(0)),
]);

// ICO: a 6-byte header and one 16-byte directory entry pointing at the PNG.
const ico = Buffer.alloc(22);
ico.writeUInt16LE(0, 0);
ico.writeUInt16LE(1, 2);
ico.writeUInt16LE(1, 4);
ico.set([size, size, 0, 0], 6);
ico.writeUInt16LE(1, 10);
ico.writeUInt16LE(32, 12);
ico.writeUInt32LE(png.length, 14);
ico.writeUInt32LE(22, 18);
const out = path.join(__dirname, '../apps/web/src/app/favicon.ico');
writeFileSync(out, Buffer.concat([ico, png]));
console.log(`wrote ${out}`);
