"""``python -m seesaw.models``: every preset with its parameter count (full and as MMoE counts)."""

from seesaw.models import MODEL_PRESETS, PRESET_INFO, count_params, paper_count

NUM_TASKS = 2


def main() -> None:
    """Print one line per preset: name, architecture, D, full count, paper count, source."""
    header = f"{'preset':<24} {'arch':<14} {'D':>4} {'params':>9} {'paper':>9}  source"
    print(header)
    print("-" * len(header))
    for name, cfg in MODEL_PRESETS.items():
        d = PRESET_INFO[name].input_dim
        full = count_params(cfg, input_dim=d, num_tasks=NUM_TASKS)
        paper = paper_count(cfg, input_dim=d, num_tasks=NUM_TASKS)
        print(
            f"{name:<24} {cfg.arch:<14} {d:>4} {full:>9,} {paper:>9,}  {PRESET_INFO[name].source}"
        )
    print(
        f"\nT = {NUM_TASKS} tasks. 'paper' counts expert kernels + tower hidden-layer kernels only "
        "(MMoE §5.1: 100x16x8 + 16x8x2 = 13,056)."
    )


if __name__ == "__main__":
    main()
