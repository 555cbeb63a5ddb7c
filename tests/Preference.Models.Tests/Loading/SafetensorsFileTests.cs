using System.Buffers.Binary;
using System.Text;
using Preference.Models.Loading;
using TorchSharp;
using static TorchSharp.torch;

namespace Preference.Models.Tests.Loading;

public class SafetensorsFileTests
{
    // A file laid out by hand from the format's definition, so the reader is checked against the spec, not our writer.
    static byte[] HandMadeFile(string headerJson, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(headerJson);
        var bytes = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)header.Length);
        header.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + header.Length);
        return bytes;
    }

    static byte[] Floats(params float[] values) => values.SelectMany(BitConverter.GetBytes).ToArray();

    [Fact]
    public void Reads_a_file_laid_out_by_the_specification()
    {
        using var dir = new TempDirectory();
        var path = dir.File("spec.safetensors");
        var data = Floats(1, 2, 3, 4, 5, 6).Concat(BitConverter.GetBytes(-7L)).ToArray();
        File.WriteAllBytes(path, HandMadeFile(
            """{"__metadata__":{"format":"pt"},"b":{"dtype":"I64","shape":[1],"data_offsets":[24,32]},"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}""",
            data));

        using var file = SafetensorsFile.Open(path);
        using var a = file.Read("a");
        using var b = file.Read("b");

        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal([2L, 3L], a.shape);
        Assert.Equal([1f, 2, 3, 4, 5, 6], a.data<float>().ToArray());
        Assert.Equal(-7L, b.item<long>());
    }

    [Fact]
    public void Written_tensors_read_back_bit_exact_in_every_dtype()
    {
        using var dir = new TempDirectory();
        var path = dir.File("all.safetensors");
        var source = randn(3, 5);
        var tensors = new Dictionary<string, Tensor>
        {
            ["f32"] = source,
            ["f16"] = source.to(ScalarType.Float16),
            ["bf16"] = source.to(ScalarType.BFloat16),
            ["f64"] = source.to(ScalarType.Float64),
            ["i64"] = arange(10L),
            ["scalar"] = tensor(2.5f),
            ["empty"] = zeros(0, 4),
        };
        SafetensorsWriter.Write(path, tensors.ToList(), new Dictionary<string, string> { ["format"] = "pt" });

        using var file = SafetensorsFile.Open(path);
        foreach (var (name, expected) in tensors)
        {
            using var actual = file.Read(name);
            Assert.Equal(expected.dtype, actual.dtype);
            Assert.Equal(expected.shape, actual.shape);
            Assert.True(expected.eq(actual).all().item<bool>(), $"{name} differs");
        }
    }

    [Fact]
    public void Header_is_padded_so_tensor_data_starts_on_an_eight_byte_boundary()
    {
        using var dir = new TempDirectory();
        var path = dir.File("aligned.safetensors");
        SafetensorsWriter.Write(path, [new("x", ones(3))]);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path).AsSpan(0, 8));
        Assert.Equal(0UL, (8 + headerLength) % 8);
    }

    [Theory]
    [InlineData(ScalarType.Float16, 1e-3)]
    [InlineData(ScalarType.BFloat16, 8e-3)]
    public void Half_precision_tensors_convert_to_float32_within_the_format_precision(ScalarType stored, double relativeError)
    {
        using var dir = new TempDirectory();
        var path = dir.File("half.safetensors");
        var original = randn(64, 16);
        SafetensorsWriter.Write(path, [new("w", original.to(stored))]);

        using var file = SafetensorsFile.Open(path);
        using var loaded = file.Read("w", ScalarType.Float32);

        Assert.Equal(ScalarType.Float32, loaded.dtype);
        var worst = ((loaded - original).abs() / original.abs().clamp_min(1e-3)).max().item<float>();
        Assert.True(worst <= relativeError, $"relative error {worst}");
    }

    [Fact]
    public void A_tensor_read_in_slices_equals_the_tensor_written()
    {
        using var dir = new TempDirectory();
        var path = dir.File("sliced.safetensors");
        var original = randn(37, 11);
        SafetensorsWriter.Write(path, [new("w", original)]);

        using var file = SafetensorsFile.Open(path);
        file.ChunkBytes = 40; // 10 floats per read: the slicing path large tensors take
        using var loaded = file.Read("w");
        Assert.True(original.eq(loaded).all().item<bool>());
    }

    [Fact]
    public void A_truncated_file_is_refused_naming_the_file_and_the_tensor()
    {
        using var dir = new TempDirectory();
        var path = dir.File("cut.safetensors");
        SafetensorsWriter.Write(path, [new("first", ones(4)), new("second", ones(100))]);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);

        var error = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path));
        Assert.Equal(path, error.Path);
        Assert.Contains("truncated", error.Message);
        Assert.Contains("'second'", error.Message);
    }

    [Fact]
    public void A_file_shorter_than_the_length_field_is_refused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("tiny.safetensors");
        File.WriteAllBytes(path, [1, 2, 3]);
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("truncated", error.Message);
    }

    [Fact]
    public void A_header_cut_short_is_refused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("header.safetensors");
        File.WriteAllBytes(path, HandMadeFile("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", Floats(1))[..20]);
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("truncated: the header needs", error.Message);
    }

    [Fact]
    public void A_header_that_is_not_json_is_refused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("json.safetensors");
        File.WriteAllBytes(path, HandMadeFile("""{"a":{"dtype":"F32",""", Floats(1)));
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("header is not valid JSON", error.Message);
    }

    [Fact]
    public void Offsets_beyond_the_data_are_refused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("offsets.safetensors");
        File.WriteAllBytes(path, HandMadeFile("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}""", Floats(1, 2)));
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("tensor 'a' ends at data byte 16, the file holds 8", error.Message);
    }

    [Fact]
    public void A_shape_that_disagrees_with_the_offsets_is_refused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("shape.safetensors");
        File.WriteAllBytes(path, HandMadeFile("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", Floats(1, 2)));
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("tensor 'a'", error.Message);
        Assert.Contains("needs 12 bytes", error.Message);
    }

    [Fact]
    public void A_tensor_named_twice_is_refused()
    {
        using var dir = new TempDirectory();
        var path = dir.File("twice.safetensors");
        File.WriteAllBytes(path, HandMadeFile("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", Floats(1, 2)));
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains("tensor 'a' appears twice", error.Message);
    }

    [Fact]
    public void An_unknown_dtype_is_refused_naming_it()
    {
        using var dir = new TempDirectory();
        var path = dir.File("dtype.safetensors");
        File.WriteAllBytes(path, HandMadeFile("""{"a":{"dtype":"F8_E4M3","shape":[2],"data_offsets":[0,2]}}""", [0, 0]));
        var error = Assert.Throws<ModelFormatException>(() => SafetensorsFile.Open(path));
        Assert.Contains(path, error.Message);
        Assert.Contains("unknown dtype 'F8_E4M3'", error.Message);
    }

    [Fact]
    public void An_interrupted_write_leaves_the_previous_file_intact()
    {
        using var dir = new TempDirectory();
        var path = dir.File("keep.safetensors");
        SafetensorsWriter.Write(path, [new("w", ones(4))]);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => SafetensorsWriter.Write(path, [new("w", zeros(4))], null, cancelled.Token));

        using var file = SafetensorsFile.Open(path);
        using var w = file.Read("w");
        Assert.Equal([1f, 1, 1, 1], w.data<float>().ToArray());
        Assert.Single(Directory.GetFiles(dir.Path));
    }
}
