"""dlib's face recognition ResNet (dlib_face_recognition_resnet_model_v1) in PyTorch, plus the heads.

Topology as packages/tools/src/build/dlib-resnet.ts writes it (affine layers folded into each conv's
weights and bias): conv 7x7/2 (no padding) -> relu -> max-pool 3x3/2 -> 3 residual x32 -> down + 3 x64
-> down + 2 x128 -> down + 2 x256 -> down x256 -> global mean -> fc 128 (no bias). Stride-1 convs pad
k//2, stride-2 convs do not pad. A down block's shortcut is a 2x2/2 average pool zero-extended in
channels; where block and shortcut disagree in size the smaller is zero-padded at the bottom/right.
Input: NHWC float, (rgb - DLIB_MEAN) / 256 as @faceattr/attributes' alignBatch writes it.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DLIB_MEAN = (122.782, 117.001, 104.298)
DLIB_STD = 256.0
AGE_BINS = 101

# (prefix, kind, in_channels, out_channels) in graph order
LAYOUT = (
    [('conv32_1', 'res', 32, 32), ('conv32_2', 'res', 32, 32), ('conv32_3', 'res', 32, 32),
     ('conv64_down', 'down', 32, 64), ('conv64_1', 'res', 64, 64), ('conv64_2', 'res', 64, 64), ('conv64_3', 'res', 64, 64),
     ('conv128_down', 'down', 64, 128), ('conv128_1', 'res', 128, 128), ('conv128_2', 'res', 128, 128),
     ('conv256_down', 'down', 128, 256), ('conv256_1', 'res', 256, 256), ('conv256_2', 'res', 256, 256),
     ('conv256_down_out', 'down', 256, 256)]
)


class Block(nn.Module):
    def __init__(self, kind, cin, cout):
        super().__init__()
        self.kind, self.cin, self.cout = kind, cin, cout
        stride = 2 if kind == 'down' else 1
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=0 if stride == 2 else 1)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)

    def forward(self, x):
        b = self.conv2(F.relu(self.conv1(x)))
        if self.kind == 'res':
            return F.relu(b + x)
        s = F.avg_pool2d(x, 2, 2)
        if self.cout > self.cin:
            s = F.pad(s, (0, 0, 0, 0, 0, self.cout - self.cin))
        size = max(b.shape[-1], s.shape[-1])
        if b.shape[-1] < size:
            d = size - b.shape[-1]
            b = F.pad(b, (0, d, 0, d))
        if s.shape[-1] < size:
            d = size - s.shape[-1]
            s = F.pad(s, (0, d, 0, d))
        return F.relu(b + s)


class DlibResNet(nn.Module):
    """Input NCHW normalised chips (use forward_nhwc for the asset's NHWC layout); output the 128-d embedding."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 32, 7, stride=2)
        self.blocks = nn.ModuleList([Block(k, i, o) for _, k, i, o in LAYOUT])
        self.fc = nn.Linear(256, 128, bias=False)

    def features(self, x, start=0, stop=None):
        """Runs the stem (stage -1) and blocks[start:stop]; start > 0 expects the output of block start-1."""
        if start == 0:
            x = F.max_pool2d(F.relu(self.stem(x)), 3, 2)
        for b in self.blocks[start:stop]:
            x = b(x)
        return x

    def head(self, x):
        return self.fc(x.mean(dim=(2, 3)))

    def forward(self, x, start=0):
        return self.head(self.features(x, start))

    def forward_nhwc(self, x):
        return self.forward(x.permute(0, 3, 1, 2))

    # names as in the ONNX asset / encoder-src: <prefix>/conv/filter_oihw, <prefix>/conv/bias, fc/weights [256, 128]
    def named_asset_tensors(self):
        out = [('conv32_down', self.stem)]
        for (p, _, _, _), b in zip(LAYOUT, self.blocks):
            out += [(f'{p}/conv1', b.conv1), (f'{p}/conv2', b.conv2)]
        return out

    def load_asset_weights(self, tensors):
        with torch.no_grad():
            for p, conv in self.named_asset_tensors():
                conv.weight.copy_(torch.from_numpy(np.ascontiguousarray(tensors[f'{p}/conv/filter_oihw'])))
                conv.bias.copy_(torch.from_numpy(np.ascontiguousarray(tensors[f'{p}/conv/bias'])))
            self.fc.weight.copy_(torch.from_numpy(np.ascontiguousarray(tensors['fc/weights'].T)))
        return self

    def asset_tensors(self):
        """float32 numpy tensors, the inverse of load_asset_weights."""
        t = {}
        for p, conv in self.named_asset_tensors():
            t[f'{p}/conv/filter_oihw'] = conv.weight.detach().numpy().astype(np.float32)
            t[f'{p}/conv/bias'] = conv.bias.detach().numpy().astype(np.float32)
        t['fc/weights'] = self.fc.weight.detach().numpy().T.astype(np.float32).copy()
        return t


def load_onnx_initializers(path):
    import onnx
    from onnx import numpy_helper
    m = onnx.load(path)
    return {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}


def dlib_from_onnx(path):
    return DlibResNet().load_asset_weights(load_onnx_initializers(path)).eval()


class Heads(nn.Module):
    """The heads graph of packages/tools/src/build/heads.ts: one MLP per task on the raw embedding."""

    def __init__(self, dim=128, hidden=256):
        super().__init__()
        self.age = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, AGE_BINS))
        self.gender = nn.Sequential(nn.Linear(dim, hidden // 2), nn.ReLU(), nn.Linear(hidden // 2, 1))
        self.race = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, 5))

    def forward(self, e):
        return self.age(e), self.gender(e).squeeze(1), self.race(e)

    def load_heads_src(self, json_path, bin_path):
        import json
        meta = json.load(open(json_path))
        allw = np.fromfile(bin_path, dtype=np.float32)
        off = 0
        t = {}
        for s in meta['tensors']:
            n = int(np.prod(s['shape']))
            t[s['name']] = allw[off:off + n].reshape(s['shape'])
            off += n
        with torch.no_grad():
            for h in ('age', 'gender', 'race'):
                seq = getattr(self, h)
                seq[0].weight.copy_(torch.from_numpy(t[f'{h}/dense1/kernel'].T.copy()))
                seq[0].bias.copy_(torch.from_numpy(t[f'{h}/dense1/bias'].copy()))
                seq[2].weight.copy_(torch.from_numpy(t[f'{h}/dense2/kernel'].T.copy()))
                seq[2].bias.copy_(torch.from_numpy(t[f'{h}/dense2/bias'].copy()))
        return self

    def heads_src_tensors(self):
        t = {}
        for h in ('age', 'gender', 'race'):
            seq = getattr(self, h)
            t[f'{h}/dense1/kernel'] = seq[0].weight.detach().numpy().T.astype(np.float32).copy()
            t[f'{h}/dense1/bias'] = seq[0].bias.detach().numpy().astype(np.float32).copy()
            t[f'{h}/dense2/kernel'] = seq[2].weight.detach().numpy().T.astype(np.float32).copy()
            t[f'{h}/dense2/bias'] = seq[2].bias.detach().numpy().astype(np.float32).copy()
        return t
