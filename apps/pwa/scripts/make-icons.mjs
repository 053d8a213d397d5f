// Draws the app icons (a white tent on the house green) and writes them as PNG files with
// node:zlib only, so no image tool is needed. Run: node scripts/make-icons.mjs
// "maskable" icons keep the drawing inside the central 60 % safe zone of Android's masks.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const GREEN = [29, 92, 63];
const WHITE = [255, 255, 255];
const DARK = [18, 58, 40];

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 3 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 3 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const [r, g, b] = pixel(x, y);
      const i = y * (size * 3 + 1) + 1 + x * 3;
      raw[i] = r;
      raw[i + 1] = g;
      raw[i + 2] = b;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function inTriangle(px, py, [ax, ay], [bx, by], [cx, cy]) {
  const d1 = (px - bx) * (ay - by) - (ax - bx) * (py - by);
  const d2 = (px - cx) * (by - cy) - (bx - cx) * (py - cy);
  const d3 = (px - ax) * (cy - ay) - (cx - ax) * (py - ay);
  const neg = d1 < 0 || d2 < 0 || d3 < 0;
  const pos = d1 > 0 || d2 > 0 || d3 > 0;
  return !(neg && pos);
}

/** The colour at (u, v) in unit coordinates, the tent filling `scale` of the icon. */
function colourAt(u, v, scale) {
  const s = (t) => 0.5 + (t - 0.5) * scale;
  const tent = [
    [s(0.5), s(0.12)],
    [s(0.06), s(0.86)],
    [s(0.94), s(0.86)],
  ];
  const door = [
    [s(0.5), s(0.42)],
    [s(0.34), s(0.86)],
    [s(0.66), s(0.86)],
  ];
  if (inTriangle(u, v, ...door)) return DARK;
  if (inTriangle(u, v, ...tent)) return WHITE;
  return GREEN;
}

function icon(size, scale) {
  const samples = 4; // 4x4 supersampling smooths the edges
  return png(size, (x, y) => {
    const sum = [0, 0, 0];
    for (let i = 0; i < samples; i++) {
      for (let j = 0; j < samples; j++) {
        const c = colourAt((x + (i + 0.5) / samples) / size, (y + (j + 0.5) / samples) / size, scale);
        for (let k = 0; k < 3; k++) sum[k] += c[k];
      }
    }
    return sum.map((v) => Math.round(v / (samples * samples)));
  });
}

const dir = new URL('../public/icons/', import.meta.url);
for (const size of [192, 512]) {
  writeFileSync(new URL(`icon-${size}.png`, dir), icon(size, 0.8));
  writeFileSync(new URL(`maskable-${size}.png`, dir), icon(size, 0.55));
}
writeFileSync(new URL('apple-touch-icon.png', dir), icon(180, 0.7));
console.log('icons written to', dir.pathname);
