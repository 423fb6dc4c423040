// The extension's icon: a ConfigMgr site server, an arrow, the Intune cloud. One list of shapes
// gives both media/icon.svg (to read and edit) and media/icon.png (128×128, what package.json's
// `icon` names: the Marketplace takes no SVG). The PNG is drawn here, 4×4 samples a pixel, and
// written with node:zlib: no image library, nothing downloaded. Run `node scripts/icon.mjs` after
// changing a shape, and commit both files.
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const BLUE = '#1f5fa8';
const WHITE = '#ffffff';
const ARROW = '#ffd23f';
const LIGHT = '#3fcf6a';

/** Painted in order, later over earlier. */
export const SHAPES = [
  { type: 'rect', x: 0, y: 0, w: 128, h: 128, r: 24, fill: BLUE },
  // the site server, its drive bays and its light
  { type: 'rect', x: 12, y: 28, w: 34, h: 72, r: 5, fill: WHITE },
  { type: 'rect', x: 18, y: 38, w: 22, h: 7, r: 2, fill: BLUE },
  { type: 'rect', x: 18, y: 51, w: 22, h: 7, r: 2, fill: BLUE },
  { type: 'rect', x: 18, y: 64, w: 22, h: 7, r: 2, fill: BLUE },
  { type: 'circle', cx: 29, cy: 86, r: 4.5, fill: LIGHT },
  // the move
  { type: 'rect', x: 49, y: 60, w: 12, h: 9, r: 0, fill: ARROW },
  {
    type: 'polygon',
    points: [
      [58, 50],
      [72, 64.5],
      [58, 79],
    ],
    fill: ARROW,
  },
  // the cloud
  { type: 'circle', cx: 93, cy: 60, r: 16, fill: WHITE },
  { type: 'circle', cx: 108, cy: 71, r: 11, fill: WHITE },
  { type: 'circle', cx: 85, cy: 72, r: 10, fill: WHITE },
  { type: 'rect', x: 75, y: 68, w: 44, h: 14, r: 7, fill: WHITE },
];

export function svg(shapes = SHAPES) {
  const body = shapes.map((s) => {
    if (s.type === 'rect') return `<rect x="${s.x}" y="${s.y}" width="${s.w}" height="${s.h}" rx="${s.r}" fill="${s.fill}"/>`;
    if (s.type === 'circle') return `<circle cx="${s.cx}" cy="${s.cy}" r="${s.r}" fill="${s.fill}"/>`;
    return `<polygon points="${s.points.map((p) => p.join(',')).join(' ')}" fill="${s.fill}"/>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">\n  ${body.join('\n  ')}\n</svg>\n`;
}

function inside(s, x, y) {
  if (s.type === 'circle') return (x - s.cx) ** 2 + (y - s.cy) ** 2 <= s.r ** 2;
  if (s.type === 'rect') {
    if (x < s.x || y < s.y || x > s.x + s.w || y > s.y + s.h) return false;
    // the nearest corner's centre, when the point is in a corner square
    const cx = Math.min(Math.max(x, s.x + s.r), s.x + s.w - s.r);
    const cy = Math.min(Math.max(y, s.y + s.r), s.y + s.h - s.r);
    return (x - cx) ** 2 + (y - cy) ** 2 <= s.r ** 2;
  }
  let odd = false; // even-odd rule
  const p = s.points;
  for (let i = 0, j = p.length - 1; i < p.length; j = i++)
    if (p[i][1] > y !== p[j][1] > y && x < ((p[j][0] - p[i][0]) * (y - p[i][1])) / (p[j][1] - p[i][1]) + p[i][0]) odd = !odd;
  return odd;
}

const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));

/** RGBA pixels, premultiplied-free: each sample takes the colour of the topmost shape under it. */
export function raster(shapes = SHAPES, size = SIZE, samples = 4) {
  const scale = SIZE / size;
  const pixels = Buffer.alloc(size * size * 4);
  const colours = shapes.map((s) => rgb(s.fill));
  for (let py = 0; py < size; py++)
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) * scale;
          const y = (py + (sy + 0.5) / samples) * scale;
          for (let i = shapes.length - 1; i >= 0; i--)
            if (inside(shapes[i], x, y)) {
              const c = colours[i];
              sum[0] += c[0];
              sum[1] += c[1];
              sum[2] += c[2];
              sum[3] += 255;
              break;
            }
        }
      const n = samples * samples;
      const covered = sum[3] / 255;
      const o = (py * size + px) * 4;
      // colour averaged over the covered samples, coverage as alpha (clean edges on any background)
      for (let k = 0; k < 3; k++) pixels[o + k] = covered ? Math.round(sum[k] / covered) : 0;
      pixels[o + 3] = Math.round(sum[3] / n);
    }
  return pixels;
}

const CRC = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG of RGBA pixels: 8 bits a channel, no filtering, one IDAT. */
export function png(pixels, size = SIZE) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit, RGBA, deflate, no filter method, no interlace
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) pixels.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const media = resolve(dirname(fileURLToPath(import.meta.url)), '../media');
  writeFileSync(resolve(media, 'icon.svg'), svg());
  writeFileSync(resolve(media, 'icon.png'), png(raster()));
}
