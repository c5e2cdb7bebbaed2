"""Fine-tunes dlib's ResNet with age / gender / race heads on UTKFace chips (train split only).

  /usr/bin/python3 -m faceattr_train.train --out runs/full-rel-e8 --epochs 8 --lr-rel 3e-3 --lr-heads 1e-3
      (the shipped dlib-resnet-128-utk: full fine-tuning with augmentation, 44 min here)
  /usr/bin/python3 -m faceattr_train.train --out runs/frozen7-rel --freeze 7 --views 1 --epochs 1 --steps 150 --lr-rel 3e-3 --lr-heads 3e-4
      (stem + first 7 blocks frozen, their activations cached in .cache/; the earlier, shorter run)

Losses as packages/eval/train/train-heads.ts: age = cross-entropy against a Gaussian label distribution
(sigma 2.5) over 101 bins + 0.05 * L1 on its mean; gender = BCE; race = cross-entropy weighted by
inverse class frequency. Heads start from the shipped heads (heads-dlib-resnet-128, unfolded around the
train embeddings' mean / sd); encoder from the ONNX asset. AdamW, one-cycle schedule. Use --lr-rel: dlib has no
normalisation layers and its late layers' weights are ~0.003, so one absolute Adam lr rewrites them (model card).
"""
import argparse
import json
import os
import time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .data import Augment, center_crop, load_split, normalise
from .model import AGE_BINS, DlibResNet, Heads, dlib_from_onnx
from .metrics import metrics
from .parity import encoder_from_src

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..'))
ONNX = os.path.join(REPO, 'packages', 'assets', 'models', 'dlib-resnet-128', 'model.onnx')
HEADS_SRC = os.path.join(REPO, 'packages', 'tools', 'heads-src', 'heads-dlib-resnet-128')
AGE_SIGMA, AGE_L1 = 2.5, 0.05


class StdHeads(nn.Module):
    """Heads on the standardised embedding (fixed mu / sd from train); folded into dense1 on export."""

    def __init__(self, mu, sd):
        super().__init__()
        self.register_buffer('mu', mu)
        self.register_buffer('sd', sd)
        self.h = Heads()

    def forward(self, e):
        return self.h((e - self.mu) / self.sd)

    def load_folded(self, json_path, bin_path):
        # folded: W' = W / sd, b' = b - (mu / sd) . W  =>  W = W' * sd, b = b' + mu . W'
        self.h.load_heads_src(json_path, bin_path)
        with torch.no_grad():
            for seq in (self.h.age, self.h.gender, self.h.race):
                w = seq[0].weight  # [out, dim]
                seq[0].bias.add_(w @ self.mu)
                w.mul_(self.sd.view(1, -1))
        return self

    def folded(self):
        t = self.h.heads_src_tensors()
        mu, sd = self.mu.numpy(), self.sd.numpy()
        for h in ('age', 'gender', 'race'):
            w = t[f'{h}/dense1/kernel']  # [dim, out]
            t[f'{h}/dense1/bias'] = (t[f'{h}/dense1/bias'] - (mu / sd) @ w).astype(np.float32)
            t[f'{h}/dense1/kernel'] = (w / sd[:, None]).astype(np.float32)
        return t


def age_dist():
    a = torch.arange(AGE_BINS, dtype=torch.float32)
    d = torch.exp(-((a.view(1, -1) - a.view(-1, 1)) ** 2) / (2 * AGE_SIGMA ** 2))
    return d / d.sum(1, keepdim=True)


def losses(out, age, gender, race, race_w, dist, ages):
    age_logits, gen_logit, race_logits = out
    logp = F.log_softmax(age_logits, 1)
    age_ce = -(dist[age] * logp).sum(1).mean()
    age_l1 = (logp.exp() @ ages - age.float()).abs().mean()
    gen = F.binary_cross_entropy_with_logits(gen_logit, gender.float())
    w = race_w[race]
    race_ce = -(w * F.log_softmax(race_logits, 1).gather(1, race.view(-1, 1)).squeeze(1)).sum() / w.sum()
    return age_ce + AGE_L1 * age_l1 + gen + race_ce, (age_ce.item(), age_l1.item(), gen.item(), race_ce.item())


@torch.no_grad()
def probabilities(enc, heads, x_u8, size, margin, bs=128, start=0):
    """Age distribution [n, 101], P(female) [n] and race probabilities [n, 5] (x: chips, or cached activations with start > 0)."""
    enc.eval()
    outs = []
    for i in range(0, len(x_u8), bs):
        xb = x_u8[i:i + bs]
        if start == 0:
            xb = normalise(center_crop(xb, size, margin))
        else:
            xb = torch.from_numpy(xb).float()
        outs.append(heads(enc(xb, start=start)))
    return tuple(f(torch.cat([o[k] for o in outs])) for k, f in enumerate((lambda t: t.softmax(1), torch.sigmoid, lambda t: t.softmax(1))))


def reduce_probabilities(age_p, female, race_p):
    """Expected age, P(female) and the race class, as numpy: what metrics() scores."""
    return (age_p @ torch.arange(AGE_BINS, dtype=torch.float32)).numpy(), female.numpy(), race_p.argmax(1).numpy()


def from_checkpoint(ck):
    """The encoder and heads of a checkpoint dict (train.py's epoch/final .pt, or soup.py's)."""
    enc = DlibResNet()
    enc.load_state_dict(ck['enc'])
    heads = StdHeads(torch.zeros(128), torch.ones(128))
    heads.load_state_dict(ck['heads'])
    return enc, heads


def predict(enc, heads, x_u8, size, margin, bs=128, start=0):
    return reduce_probabilities(*probabilities(enc, heads, x_u8, size, margin, bs, start))


@torch.no_grad()
def embeddings(enc, x_u8, size, margin, bs=128):
    enc.eval()
    return torch.cat([enc(normalise(center_crop(x_u8[i:i + bs], size, margin))) for i in range(0, len(x_u8), bs)])


def portable_args(a):
    """The run's arguments with paths inside the repository made relative to it (reports and shipped
    settings must not name this machine's folders)."""
    out = {}
    for k, v in vars(a).items():
        if isinstance(v, str) and os.path.isabs(v) and os.path.commonpath([v, REPO]) == REPO:
            v = os.path.relpath(v, REPO)
        out[k] = v
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', required=True)
    ap.add_argument('--epochs', type=int, default=6)
    ap.add_argument('--batch', type=int, default=32)
    ap.add_argument('--lr-enc', type=float, default=3e-4)
    ap.add_argument('--lr-heads', type=float, default=2e-3)
    ap.add_argument('--wd', type=float, default=1e-4)
    ap.add_argument('--lr-rel', type=float, default=0, help='if set: each encoder layer lr = this x mean |weight| of the layer (dlib late layers have |w| ~ 0.003, so one absolute lr rewrites them)')
    ap.add_argument('--freeze', type=int, default=0, help='freeze the stem and this many blocks (cached activations, mirror only)')
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--steps', type=int, default=0, help='stop the schedule after this many steps (0: all epochs)')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--limit', type=int, default=0, help='smoke test: first N train and val chips')
    ap.add_argument('--no-aug', action='store_true')
    ap.add_argument('--views', type=int, default=2, choices=[1, 2], help='with --freeze: cached views per chip (2: chip + mirror; 1: one, mirrored at random)')
    ap.add_argument('--cache', default=None)
    ap.add_argument('--onnx', default=ONNX)
    ap.add_argument('--init-src', default=None, help='start from an exported encoder + heads instead (packages/tools/encoder-src/NAME and heads-src/heads-NAME, float32): a second stage on top of a shipped run')
    ap.add_argument('--balance', type=float, default=0, help='draw each epoch with replacement, chip weight = (train chips in its race x gender x age-band cell) ^ -this (0: plain shuffle)')
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    np.random.seed(a.seed)
    os.makedirs(a.out, exist_ok=True)
    t_start = time.time()
    kw = {'cache': a.cache} if a.cache else {}
    xtr, ytr, meta, missed_tr = load_split('train', **kw)
    xva, yva, _, missed_va = load_split('val', **kw)
    if a.limit:
        xtr, xva = xtr[:a.limit], xva[:a.limit]
        ytr = {k: v[:a.limit] for k, v in ytr.items()}
        yva = {k: v[:a.limit] for k, v in yva.items()}
    size, margin = meta['size'], meta['margin']
    print(f'train {len(xtr)} chips ({len(missed_tr)} missed), val {len(xva)} ({len(missed_va)} missed), chip {meta["chip"]}', flush=True)

    if a.init_src:
        enc = encoder_from_src(os.path.join(REPO, 'packages', 'tools', 'encoder-src', a.init_src))
        heads_src = os.path.join(REPO, 'packages', 'tools', 'heads-src', 'heads-' + a.init_src)
    else:
        enc = dlib_from_onnx(a.onnx)
        heads_src = HEADS_SRC
    # standardisation of the pretrained embedding (first 256 train chips; any sample gives the same function, it only conditions the optimisation), then the shipped heads
    e0 = embeddings(enc, xtr[:256], size, margin)
    heads = StdHeads(e0.mean(0), e0.std(0) + 1e-6).load_folded(heads_src + '.json', heads_src + '.bin')

    def evaluate():
        age, female, race = predict(enc, heads, xva, size, margin)
        return metrics(age, female, race, yva)


    start = 0
    train_x = xtr
    if a.freeze:
        start = a.freeze
        for p in list(enc.stem.parameters()) + [p for b in enc.blocks[:start] for p in b.parameters()]:
            p.requires_grad_(False)
        t = time.time()
        path = os.path.join(a.cache or os.path.join(HERE, '..', '.cache'), f'act-freeze{start}-views{a.views}-seed{a.seed}-n{len(xtr)}.npy')
        if os.path.exists(path) and not a.limit:
            train_x = np.load(path)
            flips = np.load(path[:-4] + '.flips.npy')
        else:
            # views 2: each chip and its mirror image; views 1: each chip once, mirrored with probability 1/2 (seeded)
            flips = np.concatenate([np.zeros(len(xtr), bool), np.ones(len(xtr), bool)]) if a.views == 2 else (np.random.RandomState(a.seed).rand(len(xtr)) < 0.5)
            src = np.concatenate([np.arange(len(xtr))] * a.views)
            feats = []
            with torch.no_grad():
                for i in range(0, len(src), 128):
                    idx = src[i:i + 128]
                    xb = normalise(center_crop(xtr[idx], size, margin))
                    f = torch.from_numpy(flips[i:i + 128])
                    xb = torch.where(f.view(-1, 1, 1, 1), xb.flip(3), xb)
                    feats.append(enc.features(xb, 0, start).half().numpy())
                    if (i // 128) % 20 == 0:
                        print(f'  caching {i + len(idx)}/{len(src)} {time.time() - t:.0f} s', flush=True)
            train_x = np.concatenate(feats)
            del feats
            if not a.limit:
                np.save(path, train_x)
                np.save(path[:-4] + '.flips.npy', flips)
        ytr = {k: (np.concatenate([v] * a.views) if k != 'file' else v * a.views) for k, v in ytr.items()}
        xva_feat = torch.cat([enc.features(normalise(center_crop(xva[i:i + 128], size, margin)), 0, start).half() for i in range(0, len(xva), 128)]).numpy()
        print(f'cached activations after block {start - 1}: {train_x.shape} float16, {train_x.nbytes / 1e9:.2f} GB, {time.time() - t:.0f} s', flush=True)

        def evaluate():  # noqa: F811
            age, female, race = predict(enc, heads, xva_feat, size, margin, start=start)
            return metrics(age, female, race, yva)

    m0 = evaluate()
    print('val before fine-tuning:', json.dumps({k: m0[k] for k in ('age_mae', 'age_cs5', 'gender_acc', 'race_acc', 'race_macro_f1')}), flush=True)

    dist, ages = age_dist(), torch.arange(AGE_BINS, dtype=torch.float32)
    enc_params = [p for p in enc.parameters() if p.requires_grad]
    if a.lr_rel:
        layers = [(m.weight, m.bias) for m in enc.modules() if isinstance(m, (nn.Conv2d, nn.Linear)) and m.weight.requires_grad]
        groups = [{'params': [w] + ([b] if b is not None else []), 'lr': a.lr_rel * w.detach().abs().mean().item()} for w, b in layers]
    else:
        groups = [{'params': enc_params, 'lr': a.lr_enc}]
    groups.append({'params': list(heads.h.parameters()), 'lr': a.lr_heads})
    opt = torch.optim.AdamW(groups, weight_decay=a.wd)
    n = len(train_x)
    steps = a.epochs * (n // a.batch)
    if a.steps:
        steps = min(steps, a.steps)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=[g['lr'] for g in groups], total_steps=steps, pct_start=0.15)
    gen = torch.Generator().manual_seed(a.seed)
    aug = Augment(size, meta['chip'], gen)
    history = [{'epoch': 0, **{k: m0[k] for k in ('age_mae', 'age_cs5', 'gender_acc', 'race_acc', 'race_macro_f1')}}]
    sample_w = None
    if a.balance:
        # cells: race x gender x age band (0-2, 3-9, 10-19, 20-39, 40-59, 60+); rare cells (infants' gender, 'Others') drawn more often
        band = np.digitize(ytr['age'], [3, 10, 20, 40, 60])
        cell = (ytr['race'] * 2 + ytr['gender']) * 6 + band
        cnt = np.bincount(cell, minlength=60)
        sample_w = torch.tensor(cnt[cell].astype(np.float64) ** -a.balance)
    # race weights: inverse frequency of each class as drawn (with --balance, the sampled share), so the race loss stays class-balanced
    share = np.bincount(ytr['race'], weights=None if sample_w is None else sample_w.numpy(), minlength=5)
    race_w = torch.tensor(share.sum() / (5 * share), dtype=torch.float32)
    for epoch in range(1, a.epochs + 1):
        enc.train()
        if sample_w is not None:
            perm = torch.multinomial(sample_w, n, replacement=True, generator=gen).numpy()
        else:
            perm = torch.randperm(n, generator=gen).numpy()
        t = time.time()
        tot = np.zeros(4)
        for s in range(n // a.batch):
            if (epoch - 1) * (n // a.batch) + s >= steps:
                break
            idx = np.sort(perm[s * a.batch:(s + 1) * a.batch])
            if a.freeze:
                xb = torch.from_numpy(train_x[idx]).float()
            elif a.no_aug:
                xb = normalise(center_crop(train_x[idx], size, margin))
            else:
                xb = normalise(aug(train_x[idx]))
            y = [torch.from_numpy(ytr[k][idx]) for k in ('age', 'gender', 'race')]
            loss, parts = losses(heads(enc(xb, start=start)), *y, race_w, dist, ages)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            sched.step()
            tot += parts
            if s % 25 == 0:
                el = time.time() - t
                print(f'  epoch {epoch} step {s}/{n // a.batch} loss parts {np.round(tot / (s + 1), 3).tolist()} {((s + 1) * a.batch) / max(el, 1e-9):.0f} img/s', flush=True)
        ep_time = time.time() - t
        m = evaluate()
        row = {'epoch': epoch, 'seconds': round(ep_time), **{k: m[k] for k in ('age_mae', 'age_cs5', 'gender_acc', 'race_acc', 'race_macro_f1')}}
        history.append(row)
        print('val', json.dumps(row), flush=True)
        torch.save({'enc': enc.state_dict(), 'heads': heads.state_dict(), 'epoch': epoch}, os.path.join(a.out, f'epoch{epoch}.pt'))
    torch.save({'enc': enc.state_dict(), 'heads': heads.state_dict(), 'epoch': a.epochs}, os.path.join(a.out, 'final.pt'))
    total = time.time() - t_start
    json.dump({'args': portable_args(a), 'history': history, 'final_val': m, 'seconds': round(total), 'train_chips': int(len(xtr)), 'missed_train': missed_tr, 'missed_val': missed_va}, open(os.path.join(a.out, 'report.json'), 'w'), indent=1)
    print(f'done in {total:.0f} s', flush=True)


if __name__ == '__main__':
    main()
