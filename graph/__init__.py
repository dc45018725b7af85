"""partnermap's core: the model, the stores, the actor network and its analytics."""

# The model first: graph.model registers graph.model_process's entities at its end.
import graph.model  # noqa: F401
