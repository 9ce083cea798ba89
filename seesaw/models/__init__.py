"""Every multi-task architecture of the MMoE (KDD 2018) and PLE (RecSys 2020) papers on one stacked
expert bank, with the gate weights of every gate returned by the forward call.

Typical use::

    cfg = model_config("mmoe_synthetic")
    model = build_model(cfg, input_dim=100, num_tasks=2, rngs=nnx.Rngs(0))
    preds, gates = model(x)  # (B, T), {"level0/task0": (B, E), ...}
"""

from seesaw.models.architectures import get_architecture, register, task_name
from seesaw.models.model import MultiTaskModel, build_model
from seesaw.models.model_config import ARCHITECTURES, Architecture, ModelConfig
from seesaw.models.param_count import count_params, paper_count
from seesaw.models.presets import MODEL_PRESETS, PRESET_INFO, model_config
from seesaw.models.routing import RAW, Level, Mixer, Routing

__all__ = [
    "ARCHITECTURES",
    "MODEL_PRESETS",
    "PRESET_INFO",
    "RAW",
    "Architecture",
    "Level",
    "Mixer",
    "ModelConfig",
    "MultiTaskModel",
    "Routing",
    "build_model",
    "count_params",
    "get_architecture",
    "model_config",
    "paper_count",
    "register",
    "task_name",
]
