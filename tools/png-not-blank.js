#!/usr/bin/env node
// Is a screenshot blank? (spec/report.md RPT-12) Decodes a PNG with node's built-in
// zlib only (no packages: the check must run wherever node runs), then looks at how
// much of the image differs from its most common colour.
//
//   node tools/png-not-blank.js shot.png [--require-colours=#D55E00,#0072B2]
//
// Exit 0: not blank, and every required colour is painted on at least
//         MIN_COLOUR_PIXELS pixels (within COLOUR_TOLERANCE per channel).
// Exit 1: blank, or a required colour is missing (the output says which).
// Exit 2: not a PNG this tool can read, or bad arguments.
'use strict';

const fs = require('fs');
const zlib = require('zlib');

// A page is blank when almost every pixel is the background: fewer than this share of
// pixels differ from it, or fewer distinct colours than a single line of text needs.
const MIN_FOREGROUND_SHARE = 0.0005;
const MIN_DISTINCT_COLOURS = 8;
// Solid SVG fills come out exact in Chromium; allow small differences in case a build
// applies colour management.
const COLOUR_TOLERANCE = 3;
const MIN_COLOUR_PIXELS = 40;

class UsageError extends Error {}

function parseArgs(argv) {
  const args = { file: null, requiredColours: [] };
  for (const arg of argv) {
    if (arg.startsWith('--require-colours=')) {
      for (const hex of arg.slice('--require-colours='.length).split(',').filter(Boolean)) {
        if (!/^#[0-9a-fA-F]{6}$/.test(hex)) throw new UsageError(`not a #rrggbb colour: ${hex}`);
        args.requiredColours.push(hex.toUpperCase());
      }
    } else if (arg.startsWith('--')) {
      throw new UsageError(`unknown option ${arg}`);
    } else if (args.file === null) {
      args.file = arg;
    } else {
      throw new UsageError('more than one file given');
    }
  }
  if (args.file === null) throw new UsageError('usage: png-not-blank.js FILE.png [--require-colours=#rrggbb,...]');
  return args;
}

// Returns {width, height, rgb: Uint8Array of width*height*3}.
function decodePng(bytes) {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(signature)) throw new UsageError('not a PNG file');
  let offset = 8;
  let header = null;
  const idat = [];
  while (offset + 8 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (data.length !== length) throw new UsageError(`truncated ${type} chunk`);
    if (type === 'IHDR') {
      header = {
        width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8],
        colourType: data[9], interlace: data[12],
      };
    } else if (type === 'IDAT') {
      idat.push(data);
    } else if (type === 'IEND') {
      break;
    }
    offset += 12 + length;
  }
  if (header === null) throw new UsageError('no IHDR chunk');
  const channelsByType = { 0: 1, 2: 3, 4: 2, 6: 4 };  // grey, RGB, grey+alpha, RGBA
  const channels = channelsByType[header.colourType];
  if (header.bitDepth !== 8 || channels === undefined || header.interlace !== 0)
    throw new UsageError(`unsupported PNG: bit depth ${header.bitDepth}, colour type ${header.colourType}, ` +
                         `interlace ${header.interlace} (Chromium writes 8-bit RGB/RGBA, not interlaced)`);
  const { width, height } = header;
  const raw = zlib.inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new UsageError('image data shorter than the header says');

  // Undo the per-scanline filters (PNG spec §9), in place into `pixels`.
  const pixels = new Uint8Array(height * stride);
  for (let y = 0; y < height; ++y) {
    const filter = raw[y * (stride + 1)];
    const source = y * (stride + 1) + 1;
    const row = y * stride;
    const previous = row - stride;
    for (let x = 0; x < stride; ++x) {
      const a = x >= channels ? pixels[row + x - channels] : 0;
      const b = y > 0 ? pixels[previous + x] : 0;
      const c = x >= channels && y > 0 ? pixels[previous + x - channels] : 0;
      let predictor;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) >> 1; break;
        case 4: {
          const p = a + b - c;
          const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw new UsageError(`bad filter type ${filter} on row ${y}`);
      }
      pixels[row + x] = (raw[source + x] + predictor) & 0xff;
    }
  }

  // To RGB, alpha composited over white (a transparent screenshot is a blank one).
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0; i < width * height; ++i) {
    const p = i * channels;
    const grey = channels <= 2;
    const alpha = channels === 2 ? pixels[p + 1] : channels === 4 ? pixels[p + 3] : 255;
    for (let k = 0; k < 3; ++k) {
      const value = pixels[p + (grey ? 0 : k)];
      rgb[i * 3 + k] = Math.round((value * alpha + 255 * (255 - alpha)) / 255);
    }
  }
  return { width, height, rgb };
}

function analyse(image, requiredColours) {
  const counts = new Map();
  const total = image.width * image.height;
  for (let i = 0; i < total; ++i) {
    const key = (image.rgb[i * 3] << 16) | (image.rgb[i * 3 + 1] << 8) | image.rgb[i * 3 + 2];
    counts.set(key, (counts.get(key) || 0) + 1);
  }
  let background = 0;
  let backgroundCount = -1;
  for (const [key, count] of counts) {
    if (count > backgroundCount) { background = key; backgroundCount = count; }
  }
  const colours = requiredColours.map((hex) => {
    const target = parseInt(hex.slice(1), 16);
    const [tr, tg, tb] = [(target >> 16) & 0xff, (target >> 8) & 0xff, target & 0xff];
    let pixels = 0;
    for (const [key, count] of counts) {
      if (Math.abs(((key >> 16) & 0xff) - tr) <= COLOUR_TOLERANCE &&
          Math.abs(((key >> 8) & 0xff) - tg) <= COLOUR_TOLERANCE &&
          Math.abs((key & 0xff) - tb) <= COLOUR_TOLERANCE) pixels += count;
    }
    return { hex, pixels };
  });
  return {
    distinct: counts.size,
    background: '#' + background.toString(16).padStart(6, '0').toUpperCase(),
    foregroundShare: (total - backgroundCount) / total,
    colours,
  };
}

function main() {
  let args;
  let image;
  try {
    args = parseArgs(process.argv.slice(2));
    image = decodePng(fs.readFileSync(args.file));
  } catch (e) {
    process.stderr.write(`png-not-blank: ${e.message}\n`);
    return 2;
  }
  const result = analyse(image, args.requiredColours);
  const blank = result.foregroundShare < MIN_FOREGROUND_SHARE || result.distinct < MIN_DISTINCT_COLOURS;
  const missing = result.colours.filter((c) => c.pixels < MIN_COLOUR_PIXELS);
  const lines = [
    `png-not-blank: ${args.file}: ${image.width}x${image.height}, ${result.distinct} distinct colours, ` +
      `background ${result.background}, ${(result.foregroundShare * 100).toFixed(2)}% foreground pixels`,
  ];
  for (const c of result.colours) lines.push(`  colour ${c.hex}: ${c.pixels} pixels${c.pixels < MIN_COLOUR_PIXELS ? ' (MISSING)' : ''}`);
  lines.push(`verdict: ${blank ? 'blank' : missing.length > 0 ? 'missing colours' : 'not blank'}`);
  process.stdout.write(lines.join('\n') + '\n');
  return blank || missing.length > 0 ? 1 : 0;
}

process.exitCode = main();
