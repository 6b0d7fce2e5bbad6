"""Raw baselines: the least a path can do on the same stack with the same message sizes."""
