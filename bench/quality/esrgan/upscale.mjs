// ESRGAN-thick (UpscalerJS, @upscalerjs/esrgan-thick 1.0.0, MIT) on many
// images in one Node process, for bench/quality's Esrgan peer.
//
//   node upscale.mjs SCALE H W N IN OUT
//
// IN holds N raw RGB uint8 images of H x W ([N, H, W, 3], row-major); OUT
// receives N images of H*SCALE x W*SCALE, same layout.  SCALE is 2, 3, 4
// or 8: the package's model of that scale, read from its models/xSCALE
// folder in node_modules.  Timing goes to stderr.
//
// The processing is the package's own model definition (read from it, not
// copied): its setup(tf) registers the custom layers (MultiplyBeta and
// PixelShuffle, a depth-to-space), and its inputRange / outputRange
// ([0, 1] for this RRDN model) say how pixels are scaled.  UpscalerJS
// without a patchSize runs the whole image through the model at once, as
// here (the model takes any size, input shape [null, null, null, 3]);
// its post-processing clips to the output range and multiplies back to
// 0..255, and the 8-bit result is rounded to the nearest integer.
//
// Backend: @tensorflow/tfjs-backend-wasm 4.11.0 with its .wasm files from
// node_modules (tfjs-node would download a native binary).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const PACKAGE = '@upscalerjs/esrgan-thick';

function die(msg) {
  process.stderr.write(`upscale.mjs: ${msg}\n`);
  process.exit(2);
}

// A tf.io handler reading a layers model (model.json and its weight shards)
// from disk: @tensorflow/tfjs has no file:// loader outside tfjs-node.
function fromDisk(modelJson) {
  return {
    load: async () => {
      const m = JSON.parse(fs.readFileSync(modelJson, 'utf8'));
      const specs = [], parts = [];
      for (const group of m.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) parts.push(fs.readFileSync(path.join(path.dirname(modelJson), p)));
      }
      const all = Buffer.concat(parts);
      return {
        modelTopology: m.modelTopology, format: m.format, generatedBy: m.generatedBy,
        convertedBy: m.convertedBy, weightSpecs: specs,
        weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength),
      };
    },
  };
}

async function main() {
  const [scale, h, w, n] = process.argv.slice(2, 6).map(Number);
  const [inPath, outPath] = process.argv.slice(6, 8);
  if (![2, 3, 4, 8].includes(scale) || !(h > 0 && w > 0 && n > 0) || !outPath)
    die('usage: node upscale.mjs SCALE(2|3|4|8) H W N IN OUT');
  const t0 = performance.now();

  setWasmPaths(path.join(here, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist') + path.sep);
  if (!(await tf.setBackend('wasm'))) die('the wasm backend did not start');
  await tf.ready();

  // The package's definition for this scale (CommonJS build: the ESM build's
  // imports have no file extensions, which Node's ESM loader refuses).
  const def = require(`${PACKAGE}/${scale}x`);
  if (def.scale !== scale || def.modelType !== 'layers') die(`unexpected model definition for ${scale}x`);
  def.setup?.(tf);
  const root = path.join(here, 'node_modules', PACKAGE);  // its exports hide package.json
  const model = await tf.loadLayersModel(fromDisk(path.join(root, def._internals.path)));
  const [inLo, inHi] = def.inputRange, [outLo, outHi] = def.outputRange;
  const t1 = performance.now();

  const src = fs.readFileSync(inPath);
  const inSize = h * w * 3, outSize = inSize * scale * scale;
  if (src.length !== n * inSize) die(`${inPath}: ${src.length} bytes, expected ${n * inSize}`);
  const dst = Buffer.alloc(n * outSize);
  for (let i = 0; i < n; i++) {
    const y = tf.tidy(() => {
      const x = tf.tensor4d(src.subarray(i * inSize, (i + 1) * inSize), [1, h, w, 3], 'float32');
      const xin = x.mul((inHi - inLo) / 255).add(inLo);           // 0..255 -> input range
      const out = model.predict(xin);
      const clipped = out.clipByValue(outLo, outHi);
      return clipped.sub(outLo).mul(255 / (outHi - outLo)).round(); // output range -> 0..255
    });
    if (y.shape[1] !== h * scale || y.shape[2] !== w * scale) die(`output shape ${y.shape}`);
    dst.set(y.dataSync(), i * outSize);  // values are integers in 0..255
    y.dispose();
  }
  fs.writeFileSync(outPath, dst);
  const t2 = performance.now();
  process.stderr.write(`esrgan-thick x${scale}: backend ${tf.getBackend()}, start-up ${(t1 - t0) / 1000} s, `
    + `${n} images in ${(t2 - t1) / 1000} s\n`);
}

main().catch((e) => die(e.stack || String(e)));
