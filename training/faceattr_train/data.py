"""Chips exported by packages/eval/train/export-chips.ts and the augmentation applied to them."""
import json
import math
import os
import numpy as np
import torch
import torch.nn.functional as F

from .model import DLIB_MEAN, DLIB_STD

CACHE = os.path.join(os.path.dirname(__file__), '..', '.cache')


def load_split(split, cache=CACHE):
    """Returns (chips uint8 [n, C, C, 3], labels dict of int arrays, meta, missed file names). Merges shards."""
    files = sorted(f for f in os.listdir(cache) if f.startswith(f'chips-{split}') and f.endswith('.json'))
    if not files:
        raise SystemExit(f'no exported chips for {split} in {cache}: run packages/eval/train/export-chips.ts')
    chips, rows, missed = [], [], []
    meta = None
    for f in files:
        meta = json.load(open(os.path.join(cache, f)))
        c = meta['chip']
        u8 = np.fromfile(os.path.join(cache, f[:-5] + '.u8'), dtype=np.uint8).reshape(-1, c, c, 3)
        chips.append(u8)
        for r in meta['rows']:
            if r['index'] < 0:
                missed.append(r['file'])
            else:
                rows.append(r)
        assert sum(r['index'] >= 0 for r in meta['rows']) == len(u8)
    # rows within a file are in index order, so concatenation keeps rows and chips aligned
    x = np.concatenate(chips)
    labels = {k: np.array([min(100, r[k]) if k == 'age' else r[k] for r in rows], dtype=np.int64) for k in ('age', 'gender', 'race')}
    labels['file'] = [r['file'] for r in rows]
    return x, labels, meta, missed


def normalise(x):
    """float NCHW pixels 0..255 -> the encoder's input normalisation."""
    mean = torch.tensor(DLIB_MEAN, dtype=x.dtype).view(1, 3, 1, 1)
    return (x - mean) / DLIB_STD


def center_crop(u8, size, margin):
    """uint8 NHWC big chips -> float NCHW crops equal to the run-time chip (no augmentation)."""
    t = torch.from_numpy(np.ascontiguousarray(u8[:, margin:margin + size, margin:margin + size]))
    return t.permute(0, 3, 1, 2).float()


class Augment:
    """Run-time-like perturbations: mirror, shift, scale and rotation (MTCNN landmark noise),
    brightness/contrast, some grayscale. One similarity warp per chip (grid_sample, bilinear)."""

    def __init__(self, size, big, gen, shift=0.04, scale=0.07, rot=8.0, brightness=25.0, contrast=0.25, gray=0.1):
        self.size, self.big, self.g = size, big, gen
        self.shift, self.scale, self.rot = shift, scale, rot
        self.brightness, self.contrast, self.gray = brightness, contrast, gray

    def _u(self, n, lo, hi):
        return lo + (hi - lo) * torch.rand(n, generator=self.g)

    def __call__(self, u8):
        n = len(u8)
        x = torch.from_numpy(u8).permute(0, 3, 1, 2).float()
        ang = self._u(n, -self.rot, self.rot) * math.pi / 180
        s = torch.exp(self._u(n, -self.scale, self.scale))
        flip = torch.where(torch.rand(n, generator=self.g) < 0.5, -1.0, 1.0)
        k = self.size / self.big
        tx = self._u(n, -self.shift, self.shift) * 2 * k
        ty = self._u(n, -self.shift, self.shift) * 2 * k
        cos, sin = torch.cos(ang) * s * k, torch.sin(ang) * s * k
        theta = torch.stack([torch.stack([cos * flip, -sin, tx], 1), torch.stack([sin * flip, cos, ty], 1)], 1)
        grid = F.affine_grid(theta, (n, 3, self.size, self.size), align_corners=False)
        x = F.grid_sample(x, grid, mode='bilinear', padding_mode='border', align_corners=False)
        c = self._u(n, 1 - self.contrast, 1 + self.contrast).view(n, 1, 1, 1)
        b = self._u(n, -self.brightness, self.brightness).view(n, 1, 1, 1)
        m = x.mean(dim=(1, 2, 3), keepdim=True)
        x = (x - m) * c + m + b
        g = (torch.rand(n, generator=self.g) < self.gray).view(n, 1, 1, 1)
        luma = (0.299 * x[:, :1] + 0.587 * x[:, 1:2] + 0.114 * x[:, 2:3]).expand_as(x)
        x = torch.where(g, luma, x)
        return x.clamp(0, 255)
