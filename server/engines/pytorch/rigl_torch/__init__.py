# rigl_torch: the PyTorch training engine of RigL Studio. It executes a run directory's plan.json
# (docs/engines.md) and writes the same events, summary and checkpoints as the tfjs engine.
__all__ = ["__version__"]
__version__ = "0.1.0"
