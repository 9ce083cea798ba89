"""MultiTaskModel: routing through gradients, degenerate equivalences, reference forward passes,
gate invariants, distinct experts, and the training engine's jit + vmap-over-runs pattern."""

import functools

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from flax import nnx

from seesaw.errors import ConfigError
from seesaw.models import ARCHITECTURES, build_model, model_config

D, T, B = 3, 2, 7
STATIC = ("stitch", "alpha", "beta")  # gate-dict names holding static mixing weights, not gates

# Compiling one program per model beats eager op-by-op dispatch of many tiny shapes on CPU, and
# for these tiny programs XLA's optimisation passes cost far more than they save. The graphdef is
# hashable, so models of one config share the compiled program across tests.
FAST_COMPILE = {"xla_backend_optimization_level": 0, "xla_llvm_disable_expensive_passes": True}
jit = functools.partial(jax.jit, compiler_options=FAST_COMPILE)


@functools.partial(jit, static_argnums=0)
def _apply(graphdef, params, x):
    return nnx.merge(graphdef, params)(x)


@functools.partial(jit, static_argnums=0)
def _grads(graphdef, params, x, weights):
    def loss(p):
        preds, _ = nnx.merge(graphdef, p)(x)
        return jnp.sum(preds @ weights)

    return jax.grad(loss)(params)


def tiny(arch, **overrides):
    sizes = {"num_experts": 2, "num_task_experts": 1, "expert_units": (4,), "tower_units": (3,)}
    return model_config(arch, **{**sizes, **overrides})


def build(cfg, seed=0):
    return build_model(cfg, input_dim=D, num_tasks=T, rngs=nnx.Rngs(seed))


def inputs(seed=1, batch=B):
    return jax.random.normal(jax.random.key(seed), (batch, D))


def forward(model, x=None):
    return _apply(*nnx.split(model, nnx.Param), inputs() if x is None else x)


def task_grads(model, task):
    """Gradient of task `task`'s loss (the sum of its predictions) w.r.t. every parameter."""
    graphdef, params = nnx.split(model, nnx.Param)
    return nnx.to_pure_dict(_grads(graphdef, params, inputs(), np.eye(T, dtype=np.float32)[task]))


def params_of(model):
    return nnx.to_pure_dict(nnx.state(model, nnx.Param))


def load(model, tree):
    state = nnx.state(model, nnx.Param)
    nnx.replace_by_pure_dict(state, tree)
    nnx.update(model, state)


def expert_grad(grads, level, expert):
    """Sum of |grad| over every layer's kernel and bias of one expert."""
    layers = grads["levels"][level]["experts"]["members"]["layers"]
    return sum(float(jnp.abs(p[expert]).sum()) for layer in layers.values() for p in layer.values())


def is_gate(name):
    return name.rsplit("/", 1)[1] not in STATIC


# ---------------------------------------------------------------- interface and invariants


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_interface_gate_distributions_and_distinct_experts(arch):
    model = build(tiny(arch))
    _, _, *rest = nnx.split(model, nnx.Param, ...)
    assert all(len(jax.tree.leaves(r)) == 0 for r in rest)  # nothing but Params in the model
    assert len(nnx.split(model, nnx.Param)) == 2
    assert model.penalty().shape == ()
    preds, gates = forward(model)
    assert preds.shape == (B, T) and preds.dtype == jnp.float32

    # Every gate: (B, E_j) over all experts of its level, a distribution, exact zeros where masked.
    masks = {}
    for j, level in enumerate(model.routing.levels):
        if level.kind == "gate":
            masks.update(
                {f"level{j}/{m.name}": row for m, row in zip(level.mixers, level.gate_mask())}
            )
    assert set(masks) == {n for n in gates if is_gate(n)}
    for name, mask in masks.items():
        w = np.asarray(gates[name])
        assert w.shape == (B, mask.size)
        assert (w >= 0).all()
        np.testing.assert_allclose(w.sum(-1), 1.0, atol=1e-6)
        assert (w[:, ~mask] == 0).all() and (w[:, mask] > 0).all()
    assert len(model.expert_owners()) == len(model.routing.levels)

    # No two experts (nor gates, nor stacked towers) start equal: equal ones would stay equal.
    banks = [level.experts for level in model.levels]
    banks += [level.gates for level in model.levels if hasattr(level, "gates")]
    banks += [model.towers] if model.stacked_towers else []
    for bank in banks:
        layers = bank.members.layers if hasattr(bank.members, "layers") else [bank.members]
        for layer in layers:
            kernel = np.asarray(layer.kernel[...])  # (N, I, O)
            for a in range(len(kernel)):
                for b in range(a):
                    assert not np.array_equal(kernel[a], kernel[b]), (arch, a, b)


def test_bad_build_arguments_raise():
    for bad in ({"input_dim": 0, "num_tasks": 2}, {"input_dim": 3, "num_tasks": 0}):
        with pytest.raises(ConfigError, match="= (0|False): must be an integer >= 1"):
            build_model(tiny("mmoe"), rngs=nnx.Rngs(0), **bad)


# ---------------------------------------------------------------- engine pattern


@pytest.mark.parametrize("arch", sorted(ARCHITECTURES))
def test_jit_vmap_over_runs_matches_per_run(arch):
    cfg, runs = tiny(arch), 4

    def make(key):
        return build_model(cfg, input_dim=D, num_tasks=T, rngs=nnx.Rngs(key))

    graphdef = nnx.graphdef(nnx.eval_shape(lambda: make(0)))
    keys = jax.random.split(jax.random.key(0), runs)
    xs = jax.random.normal(jax.random.key(1), (runs, B, D))

    def loss(p):
        preds, gates = jax.vmap(lambda p, x: nnx.merge(graphdef, p)(x))(p, xs)
        penalty = jax.vmap(lambda p: nnx.merge(graphdef, p).penalty())(p)
        return jnp.sum(preds**2) + jnp.sum(penalty), (preds, gates)

    @jit
    def engine(keys):
        # The engine: init runs under jax.vmap over keys, then vmapped apply + grad, all jitted.
        params = jax.vmap(lambda k: nnx.state(make(k), nnx.Param))(keys)
        return params, jax.value_and_grad(loss, has_aux=True)(params)

    params, ((_, (preds, gates)), grads) = engine(keys)
    assert preds.shape == (runs, B, T)
    assert all(bool(jnp.isfinite(g).all()) for g in jax.tree.leaves(grads))
    assert not np.allclose(preds[0], preds[1])  # runs are independently initialised
    for r in range(runs):
        solo = make(keys[r])  # init outside vmap gives the same parameters
        run_params = jax.tree.map(lambda a, r=r: a[r], params)
        for a, b in zip(jax.tree.leaves(nnx.state(solo, nnx.Param)), jax.tree.leaves(run_params)):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-7)
        solo_preds, solo_gates = _apply(graphdef, run_params, xs[r])
        np.testing.assert_allclose(preds[r], solo_preds, rtol=1e-5, atol=1e-6)
        for name, w in solo_gates.items():
            np.testing.assert_allclose(gates[name][r], w, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- routing through gradients


def test_cgc_task_loss_never_reaches_other_tasks_private_experts():
    model = build(tiny("cgc", num_experts=1, num_task_experts=1))  # experts [task0, task1, shared]
    assert model.expert_owners() == (("task0", "task1", "shared"),)
    for task, other in ((0, 1), (1, 0)):
        grads = task_grads(model, task)
        assert expert_grad(grads, 0, other) == 0.0
        assert expert_grad(grads, 0, task) > 0 and expert_grad(grads, 0, 2) > 0
        gate = grads["levels"][0]["gates"]["members"]["kernel"]  # (G, D, E)
        assert (gate[task][:, other] == 0).all() and (gate[other] == 0).all()


def test_ple_shared_gate_sees_all_level0_experts_and_top_level_has_none():
    model = build(tiny("ple", num_experts=1, num_task_experts=1, num_levels=2))
    _, gates = forward(model)
    assert "level0/shared" in gates and "level1/shared" not in gates
    assert (np.asarray(gates["level0/shared"]) > 0).all()  # every level-0 expert, every example
    for task, other in ((0, 1), (1, 0)):
        grads = task_grads(model, task)
        assert expert_grad(grads, 1, other) == 0.0  # top level: CGC routing
        # Level 0: the other task's private expert reaches this task through the shared gate and
        # the level-1 shared expert, which reads g^{s,0} (PLE Fig. 5).
        assert all(expert_grad(grads, 0, e) > 0 for e in range(3))
        shared_gate = grads["levels"][0]["gates"]["members"]["kernel"][2]  # (D, E)
        assert (np.abs(shared_gate).sum(0) > 0).all()


def test_single_task_has_no_path_between_tasks():
    model = build(tiny("single_task"))
    for task, other in ((0, 1), (1, 0)):
        grads = task_grads(model, task)
        assert expert_grad(grads, 0, other) == 0.0 and expert_grad(grads, 0, task) > 0
        towers = grads["towers"]["members"]["layers"]
        assert all(float(jnp.abs(p[other]).sum()) == 0 for l in towers.values() for p in l.values())


def test_asymmetric_sharing_flows_in_exactly_one_direction():
    model = build(tiny("asymmetric_sharing"))  # bottom A = expert 0, bottom B = expert 1
    grads_a, grads_b = task_grads(model, 0), task_grads(model, 1)
    assert expert_grad(grads_a, 0, 1) == 0.0 and expert_grad(grads_a, 0, 0) > 0
    assert expert_grad(grads_b, 0, 0) > 0 and expert_grad(grads_b, 0, 1) > 0


def test_customized_sharing_reads_shared_and_own_bottom_only():
    model = build(tiny("customized_sharing"))  # experts [task0, task1, shared]
    for task, other in ((0, 1), (1, 0)):
        grads = task_grads(model, task)
        assert expert_grad(grads, 0, other) == 0.0
        assert expert_grad(grads, 0, task) > 0 and expert_grad(grads, 0, 2) > 0


@pytest.mark.parametrize("arch", ["mmoe", "omoe", "ml_mmoe", "cross_stitch", "sluice"])
def test_fully_shared_architectures_reach_every_expert_from_every_task(arch):
    model = build(tiny(arch))
    for task in range(T):
        grads = task_grads(model, task)
        for j, level in enumerate(model.routing.levels):
            assert all(expert_grad(grads, j, e) > 0 for e in range(level.num_experts))


# ---------------------------------------------------------------- degenerate equivalences


def assert_same_outputs(a, b):
    np.testing.assert_allclose(forward(a)[0], forward(b)[0], rtol=1e-6, atol=1e-6)


def test_mmoe_with_one_expert_equals_shared_bottom():
    mmoe, bottom = build(tiny("mmoe", num_experts=1), 0), build(tiny("shared_bottom"), 1)
    src, dst = params_of(mmoe), params_of(bottom)
    dst["levels"][0]["experts"] = src["levels"][0]["experts"]  # the one expert is the bottom
    dst["towers"] = src["towers"]  # the gates (softmax over one expert = 1) have no counterpart
    load(bottom, dst)
    assert_same_outputs(mmoe, bottom)


def test_omoe_task_gates_are_one_gate():
    omoe, mmoe = build(tiny("omoe"), 0), build(tiny("mmoe"), 1)
    _, gates = forward(omoe)
    assert list(gates) == ["level0/shared"]
    src, dst = params_of(omoe), params_of(mmoe)
    assert src["levels"][0]["gates"]["members"]["kernel"].shape == (1, D, 2)  # one gate's weights
    dst["levels"][0]["experts"] = src["levels"][0]["experts"]
    dst["towers"] = src["towers"]
    # MMoE whose task gates both hold OMoE's one gate: identical to OMoE.
    dst["levels"][0]["gates"]["members"]["kernel"] = jnp.repeat(
        src["levels"][0]["gates"]["members"]["kernel"], T, axis=0
    )
    load(mmoe, dst)
    assert_same_outputs(omoe, mmoe)
    mmoe_gates = forward(mmoe)[1]
    for k in range(T):
        np.testing.assert_allclose(mmoe_gates[f"level0/task{k}"], gates["level0/shared"], rtol=1e-6)


@pytest.mark.parametrize(("multi", "single"), [("ml_mmoe", "mmoe"), ("ple", "cgc")])
def test_one_level_of_a_multi_level_model_is_its_one_level_model(multi, single):
    deep, flat = build(tiny(multi, num_levels=1), 0), build(tiny(single), 1)
    src, dst = params_of(deep), params_of(flat)
    assert jax.tree.structure(src) == jax.tree.structure(dst)
    dst = {"levels": {0: src["levels"][0]}, "towers": src["towers"]}  # same layout, all copied
    load(flat, dst)
    (p_deep, g_deep), (p_flat, g_flat) = forward(deep), forward(flat)
    np.testing.assert_allclose(p_deep, p_flat, rtol=1e-6)
    assert g_deep.keys() == g_flat.keys()


def test_cross_stitch_with_identity_mixing_equals_single_task_models():
    stitch = build(tiny("cross_stitch", num_levels=2, stitch_init_self=1.0), 0)
    single = build(tiny("single_task", expert_units=(4, 4)), 1)
    np.testing.assert_array_equal(stitch.levels[0].alpha[...], np.eye(T))
    src, dst = params_of(stitch), params_of(single)
    layers = dst["levels"][0]["experts"]["members"]["layers"]
    layers[0] = src["levels"][0]["experts"]["members"]["layers"][
        0
    ]  # column level 0 = bottom layer 0
    layers[1] = src["levels"][1]["experts"]["members"]["layers"][
        0
    ]  # column level 1 = bottom layer 1
    dst["towers"] = src["towers"]
    load(single, dst)
    assert_same_outputs(stitch, single)


def test_sluice_with_one_subspace_and_beta_on_last_level_is_cross_stitch():
    sluice = build(tiny("sluice", num_subspaces=1), 0)
    stitch = build(tiny("cross_stitch"), 1)
    src = params_of(sluice)
    src["beta"] = jnp.asarray([[0.0, 1.0]] * T)
    load(sluice, src)
    dst = params_of(stitch)
    for j in range(2):
        dst["levels"][j] = src["levels"][j]  # experts and (T, T) alpha, same layout
    dst["towers"] = src["towers"]
    load(stitch, dst)
    assert_same_outputs(sluice, stitch)


# ---------------------------------------------------------------- brute-force references


def _dense(p, n, h, relu=True):
    """Layer of member n of a stacked bank, applied to (B, I)."""
    out = h @ p["kernel"][n] + p["bias"][n][None, :]
    return jax.nn.relu(out) if relu else out


def _softmax_over(kernel, sel, visible):
    """Softmax gate over `visible` experts only, as a loop-free reference (PLE Eq. 3)."""
    return jax.nn.softmax(sel @ kernel[:, list(visible)], axis=-1)


def _towers(p, feats):
    layers = p["towers"]["members"]["layers"]
    preds = []
    for k, h in enumerate(feats):
        for i in range(len(layers)):
            h = _dense(layers[i], k, h, relu=i < len(layers) - 1)
        preds.append(h[:, 0])
    return jnp.stack(preds, -1)


def _ple_reference(p, x, m_k, m_s, levels):
    """PLE written out per expert and per gate (PLE Eqs. 2-7, Fig. 5)."""
    task_in, shared_in, gates = [x] * T, x, {}
    shared_ids = list(range(T * m_k, T * m_k + m_s))
    for j in range(levels):
        expert = p["levels"][j]["experts"]["members"]["layers"][0]
        gate = p["levels"][j]["gates"]["members"]["kernel"]
        own = [[_dense(expert, k * m_k + i, task_in[k]) for i in range(m_k)] for k in range(T)]
        shared = [_dense(expert, T * m_k + i, shared_in) for i in range(m_s)]
        new_task = []
        for k in range(T):  # own + shared experts, selector g^{k,j-1} (x at level 1)
            w = _softmax_over(gate[k], task_in[k], list(range(k * m_k, (k + 1) * m_k)) + shared_ids)
            new_task.append(sum(w[:, i, None] * e for i, e in enumerate(own[k] + shared)))
            gates[f"level{j}/task{k}"] = w
        if j < levels - 1:  # shared gate over every expert, selector g^{s,j-1}
            every = [e for k in range(T) for e in own[k]] + shared
            w = _softmax_over(gate[T], shared_in, range(len(every)))
            shared_in = sum(w[:, i, None] * e for i, e in enumerate(every))
            gates[f"level{j}/shared"] = w
        task_in = new_task
    return _towers(p, task_in), gates


def _ml_mmoe_reference(p, x, n, levels):
    """ML-MMoE per expert and per gate; every gate's selector is x (PLE §5.1.2, Fig. 1h)."""
    expert_in = [x] * n
    for j in range(levels):
        expert = p["levels"][j]["experts"]["members"]["layers"][0]
        gate = p["levels"][j]["gates"]["members"]["kernel"]
        h = [_dense(expert, i, expert_in[i]) for i in range(n)]
        weights = [_softmax_over(gate[g], x, range(n)) for g in range(gate.shape[0])]
        expert_in = [sum(w[:, i, None] * h[i] for i in range(n)) for w in weights]
    return _towers(p, expert_in)


def test_ple_matches_a_loop_reference_of_the_paper():
    m_k, m_s, levels = 2, 1, 2
    model = build(tiny("ple", num_task_experts=m_k, num_experts=m_s, num_levels=levels))
    reference = jit(functools.partial(_ple_reference, m_k=m_k, m_s=m_s, levels=levels))
    ref_preds, ref_gates = reference(params_of(model), inputs())
    preds, gates = forward(model)
    np.testing.assert_allclose(preds, ref_preds, rtol=1e-5, atol=1e-6)
    assert gates.keys() == ref_gates.keys()
    for name, w in ref_gates.items():
        g = np.asarray(gates[name])
        np.testing.assert_allclose(g[:, g[0] > 0], w, rtol=1e-5, atol=1e-7)


def test_ml_mmoe_matches_a_loop_reference():
    model = build(tiny("ml_mmoe", num_experts=3, num_levels=2))
    reference = jit(functools.partial(_ml_mmoe_reference, n=3, levels=2))
    np.testing.assert_allclose(
        forward(model)[0], reference(params_of(model), inputs()), rtol=1e-5, atol=1e-6
    )
