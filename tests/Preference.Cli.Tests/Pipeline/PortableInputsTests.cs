using Preference.Cli.Pipeline;

namespace Preference.Cli.Tests.Pipeline;

public sealed class PortableInputsTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("pref-portable-").FullName;

    [Fact]
    public void A_path_inside_the_run_is_named_by_its_place_in_the_run()
    {
        var run = Path.Combine(_root, "run");
        Assert.Equal("run:reward/final", PortableInputs.Of(run, Path.Combine(run, "reward", "final")));
        Assert.Equal(PortableInputs.Of(run, Path.Combine(run, "reward", "final")),
            PortableInputs.Of(Path.Combine(_root, "elsewhere"), Path.Combine(_root, "elsewhere", "reward", "final")));
    }

    [Fact]
    public void A_model_outside_the_run_is_named_by_its_content_wherever_it_lies()
    {
        var a = Model("a", "weights");
        var b = Model("b", "weights");
        var changed = Model("c", "other weights");
        var run = Path.Combine(_root, "run");
        Assert.StartsWith("sha256:", PortableInputs.Of(run, a));
        Assert.Equal(PortableInputs.Of(run, a), PortableInputs.Of(run, b));
        Assert.NotEqual(PortableInputs.Of(run, a), PortableInputs.Of(run, changed));
    }

    [Fact]
    public void A_sibling_directory_whose_name_starts_like_the_run_is_not_inside_it()
    {
        var model = Model("run-models", "weights");
        Assert.StartsWith("sha256:", PortableInputs.Of(Path.Combine(_root, "run"), model));
    }

    string Model(string name, string weights)
    {
        var directory = Directory.CreateDirectory(Path.Combine(_root, name)).FullName;
        File.WriteAllText(Path.Combine(directory, "model.safetensors"), weights);
        File.WriteAllText(Path.Combine(directory, "config.json"), "{}");
        return directory;
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);
}
