"""Largest difference between transformers' and our fp32 logits for the same weights and token ids."""
import json
import sys

import numpy as np

ids_file, hf_file, ours_file = sys.argv[1:4]
tolerance = float(sys.argv[4]) if len(sys.argv) > 4 else 1e-3
rows = json.load(open(ids_file))
hf = np.fromfile(hf_file, dtype=np.float32)
ours = np.fromfile(ours_file, dtype=np.float32)
if hf.shape != ours.shape:
    sys.exit(f"shape mismatch: transformers {hf.shape}, ours {ours.shape}")
vocab = hf.size // (len(rows) * len(rows[0]))
hf, ours = hf.reshape(len(rows), len(rows[0]), vocab), ours.reshape(len(rows), len(rows[0]), vocab)
diff = np.abs(hf - ours)
same_argmax = (hf.argmax(-1) == ours.argmax(-1)).mean()
print(f"logits {hf.shape}: max |diff| {diff.max():.3e}, mean |diff| {diff.mean():.3e}, "
      f"|logit| max {np.abs(hf).max():.2f}, same argmax {same_argmax:.4f}, tolerance {tolerance:g}")
sys.exit(0 if diff.max() <= tolerance else 1)
