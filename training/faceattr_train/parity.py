"""Parity: the PyTorch encoder (+ heads) against reference outputs of the TypeScript pipeline.

  /usr/bin/python3 -m faceattr_train.parity REF_DIR [--onnx model.onnx | --encoder-src base] [--heads-src base]

REF_DIR holds ref.json, ref-crops.f32 (NHWC normalised chips as alignBatch writes them) and ref-embeddings.f32
(written by packages/eval/train/export-chips.ts --ref N). Prints JSON with the worst relative error
(max |a - b| / max |b| per embedding) and exits 1 above --tol.
"""
import argparse
import json
import os
import sys
import numpy as np
import torch

from .model import DlibResNet, Heads, dlib_from_onnx


def encoder_from_src(base):
    meta = json.load(open(base + '.json'))
    allw = np.fromfile(base + '.bin', dtype='<f4')
    t, off = {}, 0
    for s in meta['tensors']:
        n = int(np.prod(s['shape']))
        v = allw[off:off + n].reshape(s['shape'])
        off += n
        if s['name'].endswith('/filters'):
            t[s['name'].replace('/filters', '/filter_oihw')] = v.transpose(3, 2, 0, 1)
        elif s['name'] == 'fc':
            t['fc/weights'] = v
        else:
            t[s['name']] = v
    return DlibResNet().load_asset_weights(t).eval()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('ref')
    ap.add_argument('--onnx')
    ap.add_argument('--encoder-src')
    ap.add_argument('--tol', type=float, default=1e-4)
    a = ap.parse_args()
    torch.set_num_threads(2)
    meta = json.load(open(os.path.join(a.ref, 'ref.json')))
    n, size, dim = meta['n'], meta['size'], meta['dim']
    x = np.fromfile(os.path.join(a.ref, 'ref-crops.f32'), dtype='<f4').reshape(n, size, size, 3)
    ref = np.fromfile(os.path.join(a.ref, 'ref-embeddings.f32'), dtype='<f4').reshape(n, dim)
    enc = dlib_from_onnx(a.onnx) if a.onnx else encoder_from_src(a.encoder_src)
    with torch.no_grad():
        e = enc.forward_nhwc(torch.from_numpy(x.copy())).numpy()
    rel = np.abs(e - ref).max(1) / np.abs(ref).max(1)
    out = {'n': n, 'max_rel': float(rel.max()), 'mean_rel': float(rel.mean()), 'tol': a.tol}
    print(json.dumps(out))
    sys.exit(0 if rel.max() <= a.tol else 1)


if __name__ == '__main__':
    main()
