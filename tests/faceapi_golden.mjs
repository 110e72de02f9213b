// faceapi_golden.mjs — golden outputs of face-api's own code (TF.js, CPU
// backend) for tests/test_face_nets.c, on deterministic synthetic pictures
// (no face data may be committed).
//
//   mkdir /tmp/ref && cd /tmp/ref && npm install @tensorflow/tfjs@4 @tensorflow/tfjs-backend-wasm@4
//   npm pack @vladmandic/face-api@1.7.15 && tar xzf vladmandic-face-api-1.7.15.tgz
//   node tests/faceapi_golden.mjs /tmp/ref/package /tmp/ref tests/data/faceapi_golden.safetensors
//
// The package's dist/face-api.esm-nobundle.js imports tfjs by deep paths
// Node's ESM loader rejects; a copy with the bare package names is written
// next to node_modules and imported from there.  Weights are decoded by
// TF.js itself (tf.io.decodeWeights), independently of the converter.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkg, modules, out] = process.argv.slice(2);
if (!out) {
  console.error('usage: node faceapi_golden.mjs PACKAGE_DIR NODE_MODULES_PARENT OUT.safetensors');
  process.exit(2);
}
let src = fs.readFileSync(path.join(pkg, 'dist', 'face-api.esm-nobundle.js'), 'utf8');
src = src.replace(/"(@tensorflow\/[a-z-]+)\/dist\/index\.js"/g, '"$1"');
const copy = path.join(modules, 'faceapi-golden-copy.mjs');
fs.writeFileSync(copy, src);
const faceapi = await import(pathToFileURL(copy).href);
const { tf } = faceapi;
await tf.setBackend('cpu');
await tf.ready();

// The same integer pattern as tests/test_face_nets.c: values 0..255.
function pattern(w, h, seed) {
  const v = new Float32Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let c = 0; c < 3; c++)
        v[(y * w + x) * 3 + c] = (x * (c + 2) + y * (3 - c) + Math.floor(x / 8) * Math.floor(y / 8) * 13 + seed * 37) & 255;
  return tf.tensor3d(v, [h, w, 3]);
}

async function load(net, stem) {
  const manifest = JSON.parse(fs.readFileSync(path.join(pkg, 'model', stem + '-weights_manifest.json')));
  const specs = manifest.flatMap((g) => g.weights);
  const bytes = Buffer.concat(manifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(pkg, 'model', p)))));
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
  net.loadFromWeightMap(tf.io.decodeWeights(buf, specs));
}

const tensors = {};
const meta = { source: '@vladmandic/face-api ' + JSON.parse(fs.readFileSync(path.join(pkg, 'package.json'))).version,
  tfjs: tf.version_core, backend: tf.getBackend() };

const det = new faceapi.TinyFaceDetector();
await load(det, 'tiny_face_detector_model');
// [name, width, height, seed, input size, score threshold]
for (const [name, w, h, seed, size, thr] of [['det_a', 200, 150, 1, 416, 0.05], ['det_b', 120, 160, 2, 224, 0.05]]) {
  const img = pattern(w, h, seed);
  const grid = await det.forward(img, size);
  tensors[name + '.grid'] = [grid.shape.slice(1), await grid.data()];
  const found = await det.locateFaces(img, new faceapi.TinyFaceDetectorOptions({ inputSize: size, scoreThreshold: thr }));
  const boxes = new Float32Array(Math.max(found.length, 1) * 5).fill(-1);
  found.forEach((d, i) => {
    const b = d.box;
    boxes.set([b.x, b.y, b.width, b.height, d.score], i * 5);
  });
  tensors[name + '.boxes'] = [[Math.max(found.length, 1), 5], boxes];
  meta[name] = JSON.stringify({ width: w, height: h, seed, input_size: size, score_threshold: thr, boxes: found.length });
}

const lm = new faceapi.FaceLandmark68TinyNet();
await load(lm, 'face_landmark_68_tiny_model');
for (const [name, w, h, seed] of [['lm_a', 90, 120, 3], ['lm_b', 130, 100, 4]]) {
  const img = pattern(w, h, seed);
  const input = await faceapi.toNetInput(img);
  const raw = lm.runNet(input);
  tensors[name + '.raw'] = [[136], await raw.data()];
  const rel = lm.forwardInput(await faceapi.toNetInput(img));
  tensors[name + '.relative'] = [[136], await rel.data()];
  meta[name] = JSON.stringify({ width: w, height: h, seed });
}

// safetensors: u64 header length, JSON header padded to 8 bytes, F32 data.
const header = { __metadata__: meta };
const blobs = [];
let offset = 0;
for (const [name, [shape, data]] of Object.entries(tensors)) {
  const b = Buffer.from(new Float32Array(data).buffer);
  header[name] = { dtype: 'F32', shape, data_offsets: [offset, offset + b.length] };
  blobs.push(b);
  offset += b.length;
}
let text = JSON.stringify(header);
text += ' '.repeat((8 - (text.length % 8)) % 8);
const len = Buffer.alloc(8);
len.writeBigUInt64LE(BigInt(Buffer.byteLength(text)));
fs.writeFileSync(out, Buffer.concat([len, Buffer.from(text), ...blobs]));
for (const [k, v] of Object.entries(meta)) console.log(k, v);
fs.unlinkSync(copy);
