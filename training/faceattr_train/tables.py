"""Markdown tables comparing two `faceattr eval --json` reports (old vs new), for the model card.

  /usr/bin/python3 -m faceattr_train.tables ../docs/eval/heads-dlib-resnet-128.utkface-val.json ../docs/eval/dlib-resnet-128-utk.utkface-val.json
"""
import json
import sys


def pct(v):
    return f'{100 * v:.1f}%'


def main():
    a, b = (json.load(open(p)) for p in sys.argv[1:3])
    na, nb = sys.argv[3:5] if len(sys.argv) > 4 else ('dlib heads', 'fine-tuned')
    out = []
    out.append(f'| metric | {na} | {nb} |\n|---|---:|---:|')
    for k, f in [('age_mae', lambda v: f'{v:.2f}'), ('age_cs5', pct), ('age_bin_acc', pct), ('gender_acc', pct), ('race_acc', pct),
                 ('race_macro_f1', lambda v: f'{v:.3f}'), ('missed', str), ('median_ms_per_image', str)]:
        out.append(f'| {k} | {f(a[k])} | {f(b[k])} |')
    out.append('\n### By race (UTKFace labels)\n')
    out.append(f'| group | n | gender acc {na} | gender acc {nb} | age MAE {na} | age MAE {nb} | race recall {na} | race recall {nb} | race precision {na} | race precision {nb} |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|')
    for g in ['White', 'Black', 'Asian', 'Indian', 'Others']:
        out.append(f"| {g} | {b['gender_acc_by_race'][g]['n']} | {pct(a['gender_acc_by_race'][g]['acc'])} | {pct(b['gender_acc_by_race'][g]['acc'])} | "
                   f"{a['age_mae_by_race'][g]['mae']:.2f} | {b['age_mae_by_race'][g]['mae']:.2f} | {pct(a['race_recall_by_class'][g])} | {pct(b['race_recall_by_class'][g])} | "
                   f"{pct(a['race_precision_by_class'][g])} | {pct(b['race_precision_by_class'][g])} |")
    out.append('\n### By gender\n')
    out.append(f'| group | n | age MAE {na} | age MAE {nb} | race acc {na} | race acc {nb} |\n|---|---:|---:|---:|---:|---:|')
    for g in ['female', 'male']:
        out.append(f"| {g} | {b['age_mae_by_gender'][g]['n']} | {a['age_mae_by_gender'][g]['mae']:.2f} | {b['age_mae_by_gender'][g]['mae']:.2f} | "
                   f"{pct(a['race_acc_by_gender'][g]['acc'])} | {pct(b['race_acc_by_gender'][g]['acc'])} |")
    out.append('\n### By age\n')
    out.append(f'| true age | n | age MAE {na} | age MAE {nb} |\n|---|---:|---:|---:|')
    for g, v in b['age_mae_by_decade'].items():
        out.append(f"| {g} | {v['n']} | {a['age_mae_by_decade'][g]['mae']:.2f} | {v['mae']:.2f} |")
    out.append(f'\n| true age (FairFace bin) | n | gender acc {na} | gender acc {nb} |\n|---|---:|---:|---:|')
    for g, v in b['gender_acc_by_age_bin'].items():
        out.append(f"| {g} | {v['n']} | {pct(a['gender_acc_by_age_bin'][g]['acc'])} | {pct(v['acc'])} |")
    print('\n'.join(out))


if __name__ == '__main__':
    main()
