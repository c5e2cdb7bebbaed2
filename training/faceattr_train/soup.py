"""Averages the weights of checkpoints that share one starting point (same encoder and heads init), evaluates
the average on val and writes it as a checkpoint that `faceattr_train.export` takes. One encoder at run time,
so the average costs nothing per face (unlike averaging the predictions of two encoders).

  /usr/bin/python3 -m faceattr_train.soup --out runs/soup-e12-s1s2 runs/full-rel-e12/final.pt runs/full-rel-e12-s2/final.pt

Each input is also evaluated alone, and the inputs' averaged predictions (an ensemble, which would cost one
encoder pass per input at run time) are reported for comparison, so the report shows what the average bought.
"""
import argparse
import json
import os
import time
import torch

from .data import load_split
from .metrics import metrics
from .train import from_checkpoint, portable_args, probabilities, reduce_probabilities

KEYS = ('age_mae', 'age_cs5', 'gender_acc', 'race_acc', 'race_macro_f1')


def average(state_dicts):
    out = {}
    for k in state_dicts[0]:
        out[k] = sum(sd[k].double() for sd in state_dicts).div(len(state_dicts)).to(state_dicts[0][k].dtype)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('checkpoints', nargs='+')
    ap.add_argument('--out', required=True)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--cache', default=None)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    t0 = time.time()
    xva, yva, meta, missed = load_split('val', **({'cache': a.cache} if a.cache else {}))
    size, margin = meta['size'], meta['margin']

    def score(probs):
        m = metrics(*reduce_probabilities(*probs), yva)
        return {k: m[k] for k in KEYS}, m

    cks = [torch.load(p) for p in a.checkpoints]
    mu, sd = cks[0]['heads']['mu'], cks[0]['heads']['sd']
    for p, ck in zip(a.checkpoints, cks):
        # the heads' fixed standardisation must match, or the averaged dense1 means nothing
        if not (torch.equal(ck['heads']['mu'], mu) and torch.equal(ck['heads']['sd'], sd)):
            raise SystemExit(f'{p}: a different embedding standardisation than {a.checkpoints[0]}; not from the same start')
    alone = []
    summed = None
    for p, ck in zip(a.checkpoints, cks):
        probs = probabilities(*from_checkpoint(ck), xva, size, margin)
        row, _ = score(probs)
        alone.append({'checkpoint': os.path.relpath(p), **row})
        print('alone', json.dumps(alone[-1]), flush=True)
        summed = probs if summed is None else tuple(x + y for x, y in zip(summed, probs))
    # for comparison only: averaging the inputs' predictions (one encoder pass per input at run time)
    ensemble, _ = score(tuple(x / len(a.checkpoints) for x in summed))
    print('ensemble of predictions (not a soup; costs one encoder per input)', json.dumps(ensemble), flush=True)
    enc_sd = average([ck['enc'] for ck in cks])
    heads_sd = average([ck['heads'] for ck in cks])
    row, m = score(probabilities(*from_checkpoint({'enc': enc_sd, 'heads': heads_sd}), xva, size, margin))
    print('average', json.dumps(row), flush=True)
    os.makedirs(a.out, exist_ok=True)
    torch.save({'enc': enc_sd, 'heads': heads_sd, 'epoch': None, 'soup': a.checkpoints}, os.path.join(a.out, 'final.pt'))
    # report.json in train.py's shape (export reads args, final_val and train_chips), plus the inputs alone
    reports = []
    for p in a.checkpoints:
        rp = os.path.join(os.path.dirname(p), 'report.json')
        reports.append(json.load(open(rp)) if os.path.exists(rp) else {})
    args = {**portable_args(a), 'checkpoints': [os.path.relpath(p) for p in a.checkpoints], 'runs': [r.get('args', {}) for r in reports]}
    json.dump({'args': args, 'alone': alone, 'prediction_ensemble': ensemble, 'final_val': m,
               'train_chips': reports[0].get('train_chips'), 'missed_val': missed, 'seconds': round(time.time() - t0)},
              open(os.path.join(a.out, 'report.json'), 'w'), indent=1)
    print(f'done in {time.time() - t0:.0f} s', flush=True)


if __name__ == '__main__':
    main()
