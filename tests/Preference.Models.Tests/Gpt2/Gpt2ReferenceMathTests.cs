using Preference.Models.Gpt2;
using Preference.Models.Loading;
using Preference.Models.Tests.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Gpt2;

/// <summary>
/// GPT-2's forward pass written out in plain loops over the checkpoint as Hugging Face stores it (Conv1D [in, out]),
/// the way the GPT-2 paper and transformers' modeling_gpt2.py define it, compared with the TorchSharp model.
/// </summary>
public class Gpt2ReferenceMathTests
{
    sealed class Weights(SafetensorsFile file)
    {
        public double[] Vector(string name) => [.. file.Read(name, ScalarType.Float64).data<double>()];

        public double[,] Matrix(string name)
        {
            using var t = file.Read(name, ScalarType.Float64);
            var flat = t.data<double>().ToArray();
            var m = new double[t.shape[0], t.shape[1]];
            Buffer.BlockCopy(flat, 0, m, 0, flat.Length * sizeof(double));
            return m;
        }
    }

    static double[] LayerNorm(double[] x, double[] gain, double[] bias, double eps)
    {
        double mean = x.Average(), variance = x.Select(v => (v - mean) * (v - mean)).Average();
        return [.. x.Select((v, i) => (v - mean) / Math.Sqrt(variance + eps) * gain[i] + bias[i])];
    }

    // x [in] times a Conv1D weight [in, out] plus bias.
    static double[] Conv1D(double[] x, double[,] w, double[] b) =>
        [.. Enumerable.Range(0, w.GetLength(1)).Select(o => b[o] + Enumerable.Range(0, x.Length).Sum(i => x[i] * w[i, o]))];

    static double Gelu(double x) => 0.5 * x * (1 + Math.Tanh(Math.Sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x)));

    static double[][] ReferenceLogits(Gpt2Config c, Weights w, int[] tokens)
    {
        int T = tokens.Length, C = c.NEmbd, H = c.NHead, D = c.HeadDim;
        var wte = w.Matrix("transformer.wte.weight");
        var wpe = w.Matrix("transformer.wpe.weight");
        var h = Enumerable.Range(0, T).Select(t => Enumerable.Range(0, C).Select(i => wte[tokens[t], i] + wpe[t, i]).ToArray()).ToArray();

        for (int layer = 0; layer < c.NLayer; layer++)
        {
            string p = $"transformer.h.{layer}.";
            var qkv = h.Select(x => Conv1D(LayerNorm(x, w.Vector(p + "ln_1.weight"), w.Vector(p + "ln_1.bias"), c.LayerNormEpsilon),
                w.Matrix(p + "attn.c_attn.weight"), w.Vector(p + "attn.c_attn.bias"))).ToArray();
            var attended = new double[T][];
            for (int t = 0; t < T; t++)
            {
                attended[t] = new double[C];
                for (int head = 0; head < H; head++)
                {
                    // Causal: position t sees 0..t. q, k, v of a head are columns head·D.. of each third of qkv.
                    var scores = Enumerable.Range(0, t + 1).Select(s =>
                        Enumerable.Range(0, D).Sum(d => qkv[t][head * D + d] * qkv[s][C + head * D + d]) / Math.Sqrt(D)).ToArray();
                    double max = scores.Max();
                    var weights = scores.Select(s => Math.Exp(s - max)).ToArray();
                    double total = weights.Sum();
                    for (int s = 0; s <= t; s++)
                        for (int d = 0; d < D; d++)
                            attended[t][head * D + d] += weights[s] / total * qkv[s][2 * C + head * D + d];
                }
            }
            for (int t = 0; t < T; t++)
            {
                var projected = Conv1D(attended[t], w.Matrix(p + "attn.c_proj.weight"), w.Vector(p + "attn.c_proj.bias"));
                h[t] = [.. h[t].Select((v, i) => v + projected[i])];
                var hidden = Conv1D(LayerNorm(h[t], w.Vector(p + "ln_2.weight"), w.Vector(p + "ln_2.bias"), c.LayerNormEpsilon),
                    w.Matrix(p + "mlp.c_fc.weight"), w.Vector(p + "mlp.c_fc.bias")).Select(Gelu).ToArray();
                var mlp = Conv1D(hidden, w.Matrix(p + "mlp.c_proj.weight"), w.Vector(p + "mlp.c_proj.bias"));
                h[t] = [.. h[t].Select((v, i) => v + mlp[i])];
            }
        }
        return [.. h.Select(x =>
        {
            var final = LayerNorm(x, w.Vector("transformer.ln_f.weight"), w.Vector("transformer.ln_f.bias"), c.LayerNormEpsilon);
            return Enumerable.Range(0, c.VocabSize).Select(v => Enumerable.Range(0, C).Sum(i => final[i] * wte[v, i])).ToArray();
        })];
    }

    [Fact]
    public void Forward_pass_matches_hand_written_layer_norm_gelu_and_causal_attention_within_1e5()
    {
        using var dir = new TempDirectory();
        var config = TinyModels.Gpt2Config;
        using var model = TinyModels.Gpt2(config, seed: 3);
        using (no_grad())
            foreach (var parameter in model.parameters()) parameter.mul_(4); // wide activations, where GELU's tanh form matters
        HuggingFaceCheckpoint.Save(model, dir.Path);
        int[] tokens = [3, 17, 0, 28, 9, 9, 14];

        using var file = SafetensorsFile.Open(dir.File("model.safetensors"));
        var expected = ReferenceLogits(config, new Weights(file), tokens);
        using var noGrad = no_grad();
        using var logits = model.Forward(tensor(tokens.Select(t => (long)t).ToArray()).unsqueeze(0));

        for (int t = 0; t < tokens.Length; t++)
        {
            var actual = logits[0, t].data<float>().ToArray();
            var worst = actual.Zip(expected[t], (a, e) => Math.Abs(a - e) / Math.Max(1, Math.Abs(e))).Max();
            Assert.True(worst < 1e-5, $"position {t}: max relative error {worst}");
        }
    }
}
