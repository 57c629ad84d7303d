"""Chart of the psi_sale / stock ratios of bench.py's results (matplotlib).

python bench/chart.py var/bench/results.json bench/ratios.png [LIMIT XLABEL TITLE]
"""

import json
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

XLABEL = "psi_sale / stock time (median, whiskers: min and max)"
TITLE = "psi_sale against stock Odoo: ratio per flow (at most {limit})"


def main(results_path, png_path, limit="1.05", xlabel=XLABEL, title=TITLE):
    limit = float(limit)
    with open(results_path, encoding="utf-8") as results_file:
        rows = json.load(results_file)
    names = [row["flow"] for row in rows][::-1]
    ratios = [row["ratio"] for row in rows][::-1]
    below = [row["ratio"] - row["min"] for row in rows][::-1]
    above = [row["max"] - row["ratio"] for row in rows][::-1]
    figure, axes = plt.subplots(figsize=(9, 0.6 * len(rows) + 1.6))
    colors = ["tab:green" if ratio <= limit else "tab:red" for ratio in ratios]
    axes.barh(names, ratios, xerr=[below, above], color=colors, capsize=4)
    axes.axvline(1.0, color="black", linewidth=0.8)
    axes.axvline(limit, color="tab:red", linestyle="--", linewidth=0.8)
    axes.set_xlabel(xlabel)
    axes.set_title(title.format(limit=limit))
    for index, ratio in enumerate(ratios):
        axes.text(0.02, index, f"{ratio:.2f}", va="center", color="white")
    axes.set_xlim(
        0,
        max(
            1.3, 0.1 + max(ratio + up for ratio, up in zip(ratios, above, strict=True))
        ),
    )
    figure.tight_layout()
    figure.savefig(png_path, dpi=100)


if __name__ == "__main__":
    main(*sys.argv[1:5])
