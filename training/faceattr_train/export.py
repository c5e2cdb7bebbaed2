"""Writes a trained checkpoint into the repository's asset sources:
packages/tools/encoder-src/<name>.{json,bin} (encoder, float32) and packages/tools/heads-src/heads-<name>.{json,bin}.

  /usr/bin/python3 -m faceattr_train.export runs/full/final.pt --name dlib-resnet-128-utk
"""
import argparse
import json
import os
import numpy as np
import torch

from .model import AGE_BINS
from .train import REPO, from_checkpoint


def write(path_base, meta, tensors):
    names = list(tensors)
    os.makedirs(os.path.dirname(path_base), exist_ok=True)
    with open(path_base + '.bin', 'wb') as f:
        for k in names:
            f.write(np.ascontiguousarray(tensors[k], dtype='<f4').tobytes())
    meta = {**meta, 'tensors': [{'name': k, 'shape': list(tensors[k].shape)} for k in names]}
    with open(path_base + '.json', 'w') as f:
        f.write(json.dumps(meta, indent=2) + '\n')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('checkpoint')
    ap.add_argument('--name', default='dlib-resnet-128-utk')
    ap.add_argument('--report', default=None, help='report.json of the run (settings and val metrics go into the json)')
    a = ap.parse_args()
    enc, heads = from_checkpoint(torch.load(a.checkpoint))
    rep = json.load(open(a.report)) if a.report else {}
    settings = rep.get('args', {})
    val = rep.get('final_val', {})
    t = enc.asset_tensors()
    enc_tensors = {}
    for k, v in t.items():
        if k.endswith('/filter_oihw'):
            enc_tensors[k.replace('/filter_oihw', '/filters')] = v.transpose(2, 3, 1, 0)  # OIHW -> HWIO
        else:
            enc_tensors[k] = v
    enc_tensors['fc'] = enc_tensors.pop('fc/weights')
    trained_on = f"UTKFace train split ({rep.get('train_chips', '?')} aligned chips with a detected face)"
    write(os.path.join(REPO, 'packages', 'tools', 'encoder-src', a.name), {
        'name': a.name,
        'description': "dlib's ResNet (29 conv layers) fine-tuned on UTKFace for age, gender and race; 128-d attribute embedding for heads-" + a.name,
        'base': 'dlib-resnet-128', 'trainedOn': trained_on, 'settings': settings, 'valMetrics': val,
    }, enc_tensors)
    write(os.path.join(REPO, 'packages', 'tools', 'heads-src', 'heads-' + a.name), {
        'encoder': a.name, 'dim': 128, 'ageBins': AGE_BINS, 'trainedOn': trained_on + ', jointly with the encoder',
        'settings': settings, 'valMetrics': val,
    }, dict(sorted(heads.folded().items())))
    print('wrote', a.name)


if __name__ == '__main__':
    main()
