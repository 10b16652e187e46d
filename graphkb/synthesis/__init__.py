"""Dataset synthesis: plan, world, dialogue, verification, writing, and the run."""
