using System.Text.Json;
using Preference.Training.Common;
using TorchSharp;

namespace Preference.Training.Tests.Common;

public sealed class RunDirectoryEnvironmentTests : IDisposable
{
    readonly string _directory = Directory.CreateTempSubdirectory("run-env-").FullName;

    JsonElement WriteAndRead(long seed)
    {
        new RunDirectory(_directory).WriteEnvironment("cpu", seed);
        return JsonDocument.Parse(File.ReadAllText(Path.Combine(_directory, "environment.json"))).RootElement.Clone();
    }

    [Fact]
    public void Environment_records_the_seed_threads_device_commit_and_torchs_rng_state()
    {
        torch.manual_seed(5);
        var first = WriteAndRead(5);
        Assert.Equal(5, first.GetProperty("seed").GetInt64());
        Assert.Equal("cpu", first.GetProperty("device").GetString());
        Assert.Equal(torch.get_num_threads(), first.GetProperty("threads").GetInt32());
        Assert.True(first.TryGetProperty("git_commit", out _));
        var rng = first.GetProperty("rng");
        Assert.Equal(5, rng.GetProperty("torch_initial_seed").GetInt64());
        Assert.Matches("^[0-9a-f]{64}$", rng.GetProperty("torch_cpu_state_sha256").GetString());

        // The hash follows the generator's state: the same after re-seeding, different once it has drawn.
        torch.manual_seed(5);
        Assert.Equal(rng.GetProperty("torch_cpu_state_sha256").GetString(), WriteAndRead(5).GetProperty("rng").GetProperty("torch_cpu_state_sha256").GetString());
        using (torch.rand(4)) { }
        Assert.NotEqual(rng.GetProperty("torch_cpu_state_sha256").GetString(), WriteAndRead(5).GetProperty("rng").GetProperty("torch_cpu_state_sha256").GetString());
        Assert.True(new FileInfo(Path.Combine(_directory, "environment.json")).Length < 2048, "environment.json stays small");
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);
}
