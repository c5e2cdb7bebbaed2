"""The headline metrics of @faceattr/cli/eval's computeMetrics, for val during training."""
import numpy as np

RACES = ['White', 'Black', 'Asian', 'Indian', 'Others']


def metrics(age, female, race, y):
    err = np.abs(age - y['age'])
    gok = ((female >= 0.5).astype(int) == y['gender'])
    rok = race == y['race']
    f1s = []
    for c in range(5):
        tp = np.sum((y['race'] == c) & (race == c))
        fn = np.sum((y['race'] == c) & (race != c))
        fp = np.sum((y['race'] != c) & (race == c))
        r = tp / (tp + fn) if tp + fn else 0
        p = tp / (tp + fp) if tp + fp else 0
        if tp + fn:
            f1s.append(2 * p * r / (p + r) if p + r else 0)
    by_race = {RACES[c]: round(float(gok[y['race'] == c].mean()), 4) for c in range(5) if np.any(y['race'] == c)}
    return {
        'n': int(len(age)), 'age_mae': round(float(err.mean()), 3), 'age_cs5': round(float((err <= 5).mean()), 4),
        'gender_acc': round(float(gok.mean()), 4), 'race_acc': round(float(rok.mean()), 4),
        'race_macro_f1': round(float(np.mean(f1s)), 4), 'gender_acc_by_race': by_race,
    }
