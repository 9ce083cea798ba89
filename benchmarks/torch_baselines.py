"""PyTorch side of the training-throughput benchmark: the same models, data and optimiser as seesaw.

    python -m benchmarks.torch_baselines --steps 100    # about 2-3 min on 2 CPU cores

Two ways to train R independent runs of a seesaw preset in PyTorch (CPU, float32, eager):

* `vectorised_throughput`: the fastest thing a researcher would write: every run's parameters
  stacked on a leading run axis K, each layer one einsum over runs (and experts), one Adam over
  all stacked tensors, one data draw per step for all runs.
* `loop_throughput`: the way DeepCTR-Torch, torch-rechub and MTReclib train: an ``nn.Module`` with
  a ``ModuleList`` of experts looped over in Python, one run at a time.

Both models are built from seesaw's own `Routing` of the preset (gate and concat levels), so the
architecture is the one seesaw trains; `check_param_counts`, `check_vectorised_matches_loop` and
`check_matches_seesaw` (same weights, same predictions as seesaw's model) verify that. Every
step draws a fresh minibatch of the MMoE generator (MMoE §3.2) with torch ops.
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import time
from collections.abc import Callable
from functools import partial

import torch
from torch import Tensor, nn

from seesaw.data.synthetic import GENERATOR_PRESETS, GeneratorConfig
from seesaw.models import MODEL_PRESETS, PRESET_INFO, ModelConfig, count_params
from seesaw.models.architectures import get_architecture
from seesaw.models.routing import RAW, Routing

CORRELATION = 0.9  # weight cosine p of every run, as in benchmarks/throughput.py
LR = 1e-3


@dataclasses.dataclass(frozen=True)
class Workload:
    """One benchmarked model: a seesaw preset, its data generator and minibatch size.

    Attributes:
        preset: Key of `seesaw.models.MODEL_PRESETS`.
        generator: Key of `seesaw.data.synthetic.GENERATOR_PRESETS`; its ``input_dim`` is D.
        batch_size: Examples per step per run.
        num_tasks: T (two regression tasks in both papers).
    """

    preset: str
    generator: str
    batch_size: int
    num_tasks: int = 2

    @property
    def cfg(self) -> ModelConfig:
        """The seesaw model config."""
        return MODEL_PRESETS[self.preset]

    @property
    def gen(self) -> GeneratorConfig:
        """The generator config."""
        return GENERATOR_PRESETS[self.generator]

    @property
    def input_dim(self) -> int:
        """D, the input width."""
        return self.gen.input_dim

    @property
    def routing(self) -> Routing:
        """seesaw's routing of the preset: what every expert, gate and tower reads."""
        return get_architecture(self.cfg.arch).routing(self.cfg, self.num_tasks)


WORKLOADS: dict[str, Workload] = {
    # The generator of benchmarks/throughput.py's MMoE spec (d = 100).
    "mmoe_synthetic": Workload("mmoe_synthetic", "mmoe_calibrated", 32),
    "ple_synthetic": Workload("ple_synthetic", "ple", 128),
    "single_task_ple": Workload("single_task_ple", "ple", 128),
}
"""The benchmarked workloads by name."""


# --- data -----------------------------------------------------------------------------------


def _family(gen: GeneratorConfig, seed: int = 0) -> tuple[Tensor, Tensor, Tensor]:
    """Fixed task weights w (2, D), frequencies α (M,) and phases β (M,), as seesaw's
    ``make_family`` and ``task_weights`` build them (Gram-Schmidt twice, w2 at cosine p)."""
    d, rng = gen.input_dim, torch.Generator().manual_seed(seed)
    g = torch.randn(2, d + gen.num_sinusoids, generator=rng)  # one draw feeds u, α, β as in seesaw
    u1 = g[0, :d] / g[0, :d].norm()
    u2 = g[1, :d]
    for _ in range(2):
        u2 = u2 - (u1 @ u2) * u1
    u2 = u2 / u2.norm()
    w = gen.scale * torch.stack([u1, CORRELATION * u1 + math.sqrt(1 - CORRELATION**2) * u2])
    ga, gb = g[0, d:], g[1, d:]
    alpha = gen.alpha_scale * (ga if gen.alpha_dist == "normal" else torch.sign(ga))
    uniform = 2 * math.pi * 0.5 * (1 + torch.erf(gb / math.sqrt(2)))  # 2π Φ(g) ~ U(0, 2π)
    beta = gen.beta_scale * gb if gen.beta_dist == "normal" else uniform
    return w, alpha, beta


def make_sampler(wl: Workload, runs: int) -> Callable[[], tuple[Tensor, Tensor]]:
    """A function drawing one fresh minibatch for every run in one call.

    Returns:
        ``sample() -> (x, y)``: x (R, B, D) ~ N(0, I); y (R, B, 2) with
        ``y_k = w_k·x + Σ_i sin(α_i w_k·x + β_i) + σ ε_k`` (MMoE Eqs. 3-4).
    """
    w, alpha, beta = _family(wl.gen)
    shape, sigma = (runs, wl.batch_size), wl.gen.noise_std

    def sample() -> tuple[Tensor, Tensor]:
        x = torch.randn(*shape, wl.input_dim)
        z = x @ w.T  # (R, B, 2)
        signal = z + torch.sin(z[..., None] * alpha + beta).sum(-1)
        return x, signal + sigma * torch.randn(*shape, wl.num_tasks)

    return sample


def _loss(preds: Tensor, y: Tensor) -> Tensor:
    """Sum over tasks (and runs) of the mean squared error over the batch; preds, y (..., B, T)."""
    return (preds - y).square().mean(-2).sum()


# --- vectorised model -----------------------------------------------------------------------


def _stacked_mlp(runs: int, num: int, sizes: tuple[int, ...]) -> nn.ParameterList:
    """Kernels (K, N, I, O) and biases (K, N, O) of N MLPs per run. LeCun-normal kernels (std
    1/sqrt(fan_in), not truncated) and zero biases, close to Flax's default initialisation."""
    out = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        out += [nn.Parameter(torch.randn(runs, num, a, b) / math.sqrt(a))]
        out += [nn.Parameter(torch.zeros(runs, num, b))]
    return nn.ParameterList(out)


def _apply_mlp(h: Tensor, params: nn.ParameterList, activate_last: bool) -> Tensor:
    """Every member of a stacked MLP: h (K, B, I) shared by all members or (K, N, B, I)."""
    n_layers = len(params) // 2
    for i in range(n_layers):
        kernel, bias = params[2 * i], params[2 * i + 1]
        spec = "kbi,knio->knbo" if h.dim() == 3 else "knbi,knio->knbo"
        h = torch.einsum(spec, h, kernel) + bias[:, :, None, :]
        if activate_last or i < n_layers - 1:
            h = torch.relu(h)
    return h


def _read(x: Tensor, streams: Tensor | None, sources: tuple[int, ...]) -> Tensor:
    """What a bank reads, as seesaw's ``levels.read``: x (K, B, D), one stream, or a gather."""
    if sources[0] == RAW:
        return x
    if len(set(sources)) == 1:
        return streams[:, sources[0]]
    return streams[:, list(sources)]  # (K, N, B, H)


class VectorisedModel(nn.Module):
    """K independent runs of a seesaw routing, every parameter stacked on a leading run axis.

    Gates are stacked per level like seesaw's ``GateBank`` (K, G, I, E) with a static mask, so a
    PLE task gate carries (never trained) columns for the other task's experts, exactly as seesaw.

    Args:
        wl: The workload.
        runs: K.
    """

    def __init__(self, wl: Workload, runs: int):
        super().__init__()
        self.routing, cfg, d = wl.routing, wl.cfg, wl.input_dim
        width = cfg.expert_units[-1]
        self.experts, self.gates = nn.ModuleList(), nn.ParameterList()
        self.masks: list[Tensor | None] = []  # None where a gate sees every expert (MMoE)
        for level in self.routing.levels:
            in_w = d if level.expert_inputs[0] == RAW else width
            self.experts.append(_stacked_mlp(runs, level.num_experts, (in_w, *cfg.expert_units)))
            if level.kind == "gate":
                sel_w = d if level.mixers[0].selector == RAW else width
                shape = (runs, len(level.mixers), sel_w, level.num_experts)
                self.gates.append(nn.Parameter(torch.randn(shape) / math.sqrt(sel_w)))
                mask = torch.as_tensor(level.gate_mask())
                self.masks.append(None if bool(mask.all()) else mask)
            elif any(m.experts != (e,) for e, m in enumerate(level.mixers)):
                # Concats of several bottoms (asymmetric / customized sharing) are not benchmarked.
                raise NotImplementedError("only gate levels and single-task bottoms")
        self.towers = _stacked_mlp(runs, wl.num_tasks, (width, *cfg.tower_units, 1))

    def forward(self, x: Tensor) -> Tensor:
        """Predictions (K, B, T) of every run for inputs x (K, B, D)."""
        streams, gate_i = None, 0
        for level, bank in zip(self.routing.levels, self.experts):
            h = _apply_mlp(_read(x, streams, level.expert_inputs), bank, True)  # (K, E, B, H)
            if level.kind == "gate":
                sel = _read(x, streams, tuple(m.selector for m in level.mixers))
                spec = "kbi,kgie->kgbe" if sel.dim() == 3 else "kgbi,kgie->kgbe"
                logits = torch.einsum(spec, sel, self.gates[gate_i])
                mask = self.masks[gate_i]
                if mask is not None:  # -inf outside the mask: weight and gradient exactly 0
                    logits = logits.masked_fill(~mask[None, :, None, :], -math.inf)
                streams = torch.einsum("kgbe,kebh->kgbh", logits.softmax(-1), h)
                gate_i += 1
            else:
                streams = h  # single-task: stream k is bottom k
        towers = list(self.routing.towers)
        tower_in = streams if towers == list(range(streams.shape[1])) else streams[:, towers]
        return _apply_mlp(tower_in, self.towers, False)[..., 0].transpose(1, 2)

    def used_params_per_run(self) -> int:
        """Trainable parameters of one run, not counting masked gate columns (seesaw's
        ``count_params`` convention)."""
        pairs = zip(self.masks, self.gates)
        masked = sum(int((~m).sum()) * g.shape[2] for m, g in pairs if m is not None)
        return sum(p[0].numel() for p in self.parameters()) - masked


# --- peer-style loop model ------------------------------------------------------------------


def _mlp(sizes: tuple[int, ...], activate_last: bool) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if activate_last or i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return nn.Sequential(*layers)


class LoopModel(nn.Module):
    """One run, written as MTReclib / DeepCTR-Torch do: ModuleLists of experts, gates and towers,
    a Python loop over experts and gates, each gate ``Linear(bias=False)`` + softmax over exactly
    the experts it sees (PyTorch default initialisation).

    Args:
        wl: The workload.
    """

    def __init__(self, wl: Workload):
        super().__init__()
        self.routing, cfg, d = wl.routing, wl.cfg, wl.input_dim
        width = cfg.expert_units[-1]
        self.levels = nn.ModuleList()
        for level in self.routing.levels:
            in_w = d if level.expert_inputs[0] == RAW else width
            experts = nn.ModuleList(
                [_mlp((in_w, *cfg.expert_units), True) for _ in range(level.num_experts)]
            )
            gates = nn.ModuleList()
            if level.kind == "gate":
                sel_w = d if level.mixers[0].selector == RAW else width
                gates.extend(nn.Linear(sel_w, len(m.experts), bias=False) for m in level.mixers)
            self.levels.append(nn.ModuleDict({"experts": experts, "gates": gates}))
        units = (width, *cfg.tower_units, 1)
        self.towers = nn.ModuleList([_mlp(units, False) for _ in range(wl.num_tasks)])

    def forward(self, x: Tensor) -> Tensor:
        """Predictions (B, T) for inputs x (B, D)."""
        streams: list[Tensor] = []
        for level, mods in zip(self.routing.levels, self.levels):
            h = [
                expert(x if src == RAW else streams[src])
                for expert, src in zip(mods["experts"], level.expert_inputs)
            ]
            if level.kind == "gate":
                outs = []
                for gate, m in zip(mods["gates"], level.mixers):
                    w = gate(x if m.selector == RAW else streams[m.selector]).softmax(-1)
                    picked = torch.stack([h[e] for e in m.experts], dim=1)  # (B, n, H)
                    outs.append(torch.bmm(w.unsqueeze(1), picked).squeeze(1))
                streams = outs
            else:
                streams = [torch.cat([h[e] for e in m.experts], -1) for m in level.mixers]
        return torch.cat([t(streams[s]) for t, s in zip(self.towers, self.routing.towers)], -1)


# --- timing ---------------------------------------------------------------------------------


WARMUP = 5  # untimed steps first: thread pool start-up, allocator, Adam state creation


def _rate(model: nn.Module, sample: Callable[[], tuple[Tensor, Tensor]], opt, steps: int) -> float:
    """Steps per second of fresh-minibatch training steps: best of 3 wall-clock timings (eager CPU
    torch is synchronous, so no barrier is needed), after `WARMUP` steps."""

    def train(n: int) -> float:
        start = time.perf_counter()
        for _ in range(n):
            x, y = sample()
            opt.zero_grad(set_to_none=True)
            _loss(model(x), y).backward()
            opt.step()
        return time.perf_counter() - start

    train(WARMUP)
    return steps / min(train(steps) for _ in range(3))


def vectorised_throughput(name: str, runs: int, steps: int, *, fused: bool = True) -> float:
    """Run-steps per second of ``runs`` stacked runs of workload ``name`` (`VectorisedModel`).

    Eager: torch.compile (inductor, works offline here with gcc) took 10-20 s to compile and was
    not faster (ple_synthetic, 16 runs: 236 vs 297 run-steps/s eager), and its graph breaks on
    nothing here that a researcher would rewrite.

    Args:
        name: Key of `WORKLOADS`.
        runs: R, runs trained together.
        steps: Timed steps (best of 3, after a short warm-up).
        fused: ``Adam(fused=True)``, else ``Adam(foreach=True)``. Fused was as fast or faster on
            2 CPU cores (ple_synthetic, 16 runs: about 320 vs 265 run-steps/s), so it is default.

    Returns:
        runs * steps / seconds.
    """
    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(0)
    wl = WORKLOADS[name]
    model = VectorisedModel(wl, runs)
    kind = {"fused": True} if fused else {"foreach": True}
    opt = torch.optim.Adam(model.parameters(), lr=LR, **kind)
    return runs * _rate(model, make_sampler(wl, runs), opt, steps)


def loop_throughput(name: str, steps: int) -> float:
    """Run-steps per second of one run of workload ``name`` trained peer-style (`LoopModel`,
    default ``torch.optim.Adam``, one fresh (B, D) minibatch per step)."""
    torch.set_num_threads(os.cpu_count() or 1)
    torch.manual_seed(0)
    wl = WORKLOADS[name]
    model = LoopModel(wl)
    sample = make_sampler(wl, 1)

    def one_run() -> tuple[Tensor, Tensor]:
        x, y = sample()
        return x[0], y[0]

    return _rate(model, one_run, torch.optim.Adam(model.parameters(), lr=LR), steps)


# --- checks ---------------------------------------------------------------------------------


def param_count(name: str) -> int:
    """Trainable parameters of one run of the torch model of workload ``name``."""
    return sum(p.numel() for p in LoopModel(WORKLOADS[name]).parameters())


def seesaw_param_counts(name: str) -> tuple[int, int]:
    """seesaw's ``(count_params, total size of the nnx.Param leaves)``; the second also counts
    the masked (never trained) columns of stacked PLE gates."""
    import jax
    from flax import nnx

    from seesaw.models import build_model

    wl = WORKLOADS[name]
    assert PRESET_INFO[wl.preset].input_dim == wl.input_dim, "generator D != preset D"
    used = count_params(wl.cfg, input_dim=wl.input_dim, num_tasks=wl.num_tasks)
    build = partial(build_model, wl.cfg, input_dim=wl.input_dim, num_tasks=wl.num_tasks)
    shapes = nnx.eval_shape(lambda: build(rngs=nnx.Rngs(0)))  # shapes only, no arrays
    leaves = jax.tree.leaves(nnx.state(shapes, nnx.Param))
    return used, sum(math.prod(leaf.shape) for leaf in leaves)


def check_param_counts() -> None:
    """Both torch models have seesaw's parameter counts, for every workload."""
    for name in WORKLOADS:
        used, stored = seesaw_param_counts(name)
        vec = VectorisedModel(WORKLOADS[name], 1)
        assert param_count(name) == used == vec.used_params_per_run(), name
        assert sum(p.numel() for p in vec.parameters()) == stored, name


@torch.no_grad()
def check_vectorised_matches_loop(name: str = "mmoe_synthetic", run: int = 1) -> float:
    """Run ``run`` of a 3-run `VectorisedModel` equals a `LoopModel` holding its weights.

    Returns:
        The largest absolute difference of the predictions (asserted below 1e-5).
    """
    torch.manual_seed(0)
    wl = WORKLOADS[name]
    vec, loop = VectorisedModel(wl, 3), LoopModel(wl)
    gate_i = 0
    for level, bank, mods in zip(wl.routing.levels, vec.experts, loop.levels):
        for e, expert in enumerate(mods["experts"]):
            linears = [m for m in expert if isinstance(m, nn.Linear)]
            for i, lin in enumerate(linears):
                lin.weight.copy_(bank[2 * i][run, e].T)
                lin.bias.copy_(bank[2 * i + 1][run, e])
        if level.kind == "gate":
            for g, (gate, m) in enumerate(zip(mods["gates"], level.mixers)):
                gate.weight.copy_(vec.gates[gate_i][run, g][:, list(m.experts)].T)
            gate_i += 1
    for t, tower in enumerate(loop.towers):
        for i, lin in enumerate(m for m in tower if isinstance(m, nn.Linear)):
            lin.weight.copy_(vec.towers[2 * i][run, t].T)
            lin.bias.copy_(vec.towers[2 * i + 1][run, t])
    x, _ = make_sampler(wl, 3)()
    diff = float((vec(x)[run] - loop(x[run])).abs().max())
    assert diff < 1e-5, f"{name}: vectorised and loop forwards differ by {diff}"
    return diff


@torch.no_grad()
def check_matches_seesaw(name: str) -> float:
    """A one-run `VectorisedModel` holding a seesaw model's weights gives seesaw's predictions.

    Returns:
        The largest absolute difference of the predictions (asserted below 1e-4).
    """
    import numpy as np
    from flax import nnx

    from seesaw.models import build_model

    wl = WORKLOADS[name]
    ref = build_model(wl.cfg, input_dim=wl.input_dim, num_tasks=wl.num_tasks, rngs=nnx.Rngs(0))
    vec = VectorisedModel(wl, 1)

    def put(dst: nn.Parameter, src) -> None:
        dst.copy_(torch.from_numpy(np.array(src[...]))[None])  # add the run axis K = 1

    def put_bank(dst: nn.ParameterList, bank) -> None:
        for i, layer in enumerate(bank.members.layers):
            put(dst[2 * i], layer.kernel)
            put(dst[2 * i + 1], layer.bias)

    gates = iter(vec.gates)
    for level, bank in zip(ref.levels, vec.experts):
        put_bank(bank, level.experts)
        if hasattr(level, "gates"):
            put(next(gates), level.gates.members.kernel)
    put_bank(vec.towers, ref.towers)
    x, _ = make_sampler(wl, 1)()
    want = torch.from_numpy(np.array(ref(x[0].numpy())[0]))
    diff = float((vec(x)[0] - want).abs().max())
    assert diff < 1e-4, f"{name}: torch and seesaw forwards differ by {diff}"
    return diff


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--steps", type=int, default=100, help="timed steps per measurement")
    parser.add_argument("--foreach", action="store_true", help="foreach instead of fused Adam")
    args = parser.parse_args()
    print(
        f"torch {torch.__version__}, {os.cpu_count()} threads, {args.steps} steps, eager, "
        f"{'foreach' if args.foreach else 'fused'} Adam"
    )
    check_param_counts()
    for name in WORKLOADS:
        loop, ref = check_vectorised_matches_loop(name), check_matches_seesaw(name)
        print(f"check {name}: max |vectorised - loop| {loop:.1e}, |torch - seesaw| {ref:.1e}")
    for name, wl in WORKLOADS.items():
        used, stored = seesaw_param_counts(name)
        print(
            f"\n{name} (batch {wl.batch_size}, d {wl.input_dim}): params torch "
            f"{param_count(name):,} / seesaw {used:,} (stored incl. masked gates {stored:,})"
        )
        for runs in (1, 16, 200) if name == "mmoe_synthetic" else (1, 16):
            rate = vectorised_throughput(name, runs, args.steps, fused=not args.foreach)
            print(f"  vectorised {runs:>3} runs: {rate:>10,.0f} run-steps/s")
        print(f"  loop         1 run : {loop_throughput(name, args.steps):>10,.0f} run-steps/s")


if __name__ == "__main__":
    main()
