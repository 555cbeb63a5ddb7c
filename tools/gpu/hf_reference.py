"""The transformers side of the GPU comparison (tools/gpu/README.md).

Creates a LLaMA with random weights, saves it as a Hugging Face directory our loader reads, writes the token ids
and fp32 logits both implementations must agree on, and times decode and a training step exactly as
bench `model-compare` does in our code: same batch sizes, prompt length, new tokens and training shape.
"""
import argparse
import json
import os
import shutil
import time

import torch
from transformers import LlamaConfig, LlamaForCausalLM


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--tokenizer", help="tok512.bin to place beside the model so `pref` can run it as a policy")
    p.add_argument("--hidden", type=int, default=1024)
    p.add_argument("--layers", type=int, default=16)
    p.add_argument("--heads", type=int, default=16)
    p.add_argument("--kv-heads", type=int, default=8)
    p.add_argument("--intermediate", type=int, default=2816)
    p.add_argument("--vocab", type=int, default=512)
    p.add_argument("--batches", default="1,64")
    p.add_argument("--prompt-length", type=int, default=32)
    p.add_argument("--new-tokens", type=int, default=128)
    p.add_argument("--rounds", type=int, default=2)
    p.add_argument("--train-batch", type=int, default=8)
    p.add_argument("--train-length", type=int, default=512)
    p.add_argument("--train-steps", type=int, default=10)
    return p.parse_args()


def sync():
    torch.cuda.synchronize()


def main():
    a = parse()
    torch.manual_seed(0)
    torch.backends.cuda.matmul.allow_tf32 = False  # fp32 means fp32 on both sides
    torch.backends.cudnn.allow_tf32 = False
    config = LlamaConfig(vocab_size=a.vocab, hidden_size=a.hidden, intermediate_size=a.intermediate,
                         num_hidden_layers=a.layers, num_attention_heads=a.heads, num_key_value_heads=a.kv_heads,
                         max_position_embeddings=2048, rope_theta=10000.0, tie_word_embeddings=False,
                         bos_token_id=1, eos_token_id=2, pad_token_id=0)
    model = LlamaForCausalLM(config).float().cuda().eval()
    model_dir = os.path.join(a.out, "model")
    model.save_pretrained(model_dir, safe_serialization=True)
    if a.tokenizer:
        shutil.copy(a.tokenizer, model_dir)
    params = sum(p.numel() for p in model.parameters())
    print(f"transformers {__import__('transformers').__version__}, torch {torch.__version__}, {torch.cuda.get_device_name()}")
    print(f"model: {params:,} parameters, attention {model.config._attn_implementation}")
    print("| what | size | number | unit |")
    print("|---|---|---|---|")

    g = torch.Generator().manual_seed(1)
    ids = torch.randint(3, a.vocab, (4, 64), generator=g)
    with open(os.path.join(a.out, "ids.json"), "w") as f:
        json.dump(ids.tolist(), f)
    with torch.no_grad():
        logits = model(ids.cuda()).logits.float().cpu().contiguous()
    logits.numpy().tofile(os.path.join(a.out, "hf_logits.f32"))
    print(f"| logits written | {tuple(logits.shape)} | hf_logits.f32 | float32 |")

    for batch in [int(b) for b in a.batches.split(",")]:
        prompts = torch.randint(3, a.vocab, (batch, a.prompt_length), generator=g).cuda()
        mask = torch.ones_like(prompts)
        kwargs = dict(attention_mask=mask, do_sample=True, temperature=1.0, top_k=0, top_p=1.0, pad_token_id=0,
                      eos_token_id=None, use_cache=True)
        model.generate(prompts, max_new_tokens=8, min_new_tokens=8, **kwargs)
        sync()
        start = time.perf_counter()
        tokens = 0
        for _ in range(a.rounds):
            out = model.generate(prompts, max_new_tokens=a.new_tokens, min_new_tokens=a.new_tokens, **kwargs)
            tokens += (out.shape[1] - a.prompt_length) * batch
        sync()
        rate = tokens / (time.perf_counter() - start)
        print(f"| decode (sampling, prompt {a.prompt_length}, {a.new_tokens} new tokens, KV cache) | batch {batch} | {rate:.0f} | tok/s |")

    model.train()
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-5)

    def step():
        ids = torch.randint(3, a.vocab, (a.train_batch, a.train_length + 1), device="cuda")
        logits = model(ids[:, :-1]).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, a.vocab), ids[:, 1:].reshape(-1))
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()

    for _ in range(3):
        step()
    sync()
    start = time.perf_counter()
    for _ in range(a.train_steps):
        step()
    sync()
    seconds = time.perf_counter() - start
    size = f"{a.train_batch} x {a.train_length}"
    print(f"| forward+backward+AdamW step | {size} | {a.train_steps * a.train_batch * a.train_length / seconds:.0f} | tok/s |")
    print(f"| forward+backward+AdamW step | {size} | {seconds / a.train_steps * 1000:.1f} | ms/step |")


if __name__ == "__main__":
    main()
